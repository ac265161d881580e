using Cedros.Storage.Internal;
using Cedros.Storage.Validation;
using Npgsql;

namespace Cedros.Storage.Postgres;

internal sealed partial class PostgresStore
{
    private const string NonceColumns = "id, tenant_id, purpose, created_at, expires_at, consumed_at";

    private static AdminNonce ReadNonce(NpgsqlDataReader r) => new()
    {
        Id = r.GetString(0),
        TenantId = r.GetString(1),
        Purpose = PgRow.Str(r, 2),
        CreatedAt = PgRow.Time(r, 3),
        ExpiresAt = PgRow.Time(r, 4),
        ConsumedAt = PgRow.OptTime(r, 5),
    };

    public Task CreateNonceAsync(AdminNonce nonce, CancellationToken cancellationToken)
    {
        var n = Prepare.Nonce(TenantId, nonce, Now);
        return RunAsync(async c =>
        {
            var inserted = await c.ExecuteAsync("""
                INSERT INTO [[admin_nonces]] (id, tenant_id, purpose, created_at, expires_at, consumed_at)
                VALUES (@id, @t, @purpose, @created, @expires, NULL)
                ON CONFLICT (tenant_id, id) DO NOTHING
                """, ("id", n.Id), ("t", TenantId), ("purpose", n.Purpose), ("created", n.CreatedAt), ("expires", n.ExpiresAt))
                .ConfigureAwait(false);
            if (inserted == 0) throw Conflicts.AlreadyExists("admin nonce", n.Id);
        }, cancellationToken);
    }

    public Task ConsumeNonceAsync(string nonceId, CancellationToken cancellationToken) =>
        ConsumeNonceCoreAsync(nonceId, null, cancellationToken);

    public Task ConsumeNonceAsync(string nonceId, string expectedPurpose, CancellationToken cancellationToken) =>
        ConsumeNonceCoreAsync(nonceId, Check.Required(expectedPurpose, "purpose"), cancellationToken);

    /// <summary>One conditional UPDATE consumes the nonce; when it matched nothing, the row as it was explains why.</summary>
    private Task ConsumeNonceCoreAsync(string nonceId, string? expectedPurpose, CancellationToken cancellationToken)
    {
        Check.Id(nonceId, "nonce id");
        var now = Now;
        return RunAsync(async c =>
        {
            var (consumed, before) = await c.RowAsync($"""
                WITH u AS (
                    UPDATE [[admin_nonces]] SET consumed_at = @now
                     WHERE tenant_id = @t AND id = @id AND consumed_at IS NULL AND expires_at > @now
                       AND (@purpose IS NULL OR purpose = @purpose)
                    RETURNING 1)
                SELECT EXISTS (SELECT 1 FROM u), n.consumed_at IS NOT NULL, n.expires_at, n.purpose, n.id IS NOT NULL
                  FROM (SELECT 1) AS one
                  LEFT JOIN [[admin_nonces]] n ON n.tenant_id = @t AND n.id = @id
                """, r => (r.GetBoolean(0), (Found: r.GetBoolean(4), Consumed: !r.IsDBNull(1) && r.GetBoolean(1),
                    ExpiresAt: PgRow.OptTime(r, 2), Purpose: PgRow.OptStr(r, 3))),
                ("t", TenantId), ("id", nonceId), ("now", now), ("purpose", TextParam(expectedPurpose))).ConfigureAwait(false);
            if (consumed) return;
            var reason = NonceFailure.Classify(before.Found, before.Consumed, now >= before.ExpiresAt,
                    NonceFailure.PurposeMatches(before.Purpose, expectedPurpose))
                // The row looked consumable when the statement started: a concurrent caller consumed it first.
                ?? NonceFailureReason.AlreadyConsumed;
            throw new NonceException(nonceId, reason);
        }, cancellationToken);
    }

    public async Task<long> CleanupExpiredNoncesAsync(CancellationToken cancellationToken)
    {
        long total = 0;
        while (true)
        {
            var deleted = await RunAsync(c => c.ExecuteAsync("""
                DELETE FROM [[admin_nonces]] n USING (
                    SELECT tenant_id, id FROM [[admin_nonces]] WHERE expires_at <= @now LIMIT @n FOR UPDATE SKIP LOCKED) b
                 WHERE n.tenant_id = b.tenant_id AND n.id = b.id
                """, ("now", Now), ("n", Context.BatchSize)), cancellationToken).ConfigureAwait(false);
            if (deleted == 0) return total;
            total += deleted;
        }
    }

    /// <summary>Reads one nonce, consumed or not (diagnostics; the contract has no public getter).</summary>
    internal Task<AdminNonce?> GetNonceAsync(string nonceId, CancellationToken cancellationToken) =>
        RunAsync(c => c.OneAsync($"SELECT {NonceColumns} FROM [[admin_nonces]] WHERE tenant_id = @t AND id = @id",
            ReadNonce, ("t", TenantId), ("id", nonceId)), cancellationToken);
}
