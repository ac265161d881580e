using Cedros.Storage.Internal;
using Cedros.Storage.Validation;

namespace Cedros.Storage.Sqlite;

internal sealed partial class SqliteStore
{
    public Task CreateNonceAsync(AdminNonce nonce, CancellationToken cancellationToken)
    {
        var n = Prepare.Nonce(TenantId, nonce, Now);
        return WriteAsync(s =>
        {
            var inserted = s.Execute($"""
                INSERT INTO {Tables.AdminNonces.Quoted} (tenant_id, id, purpose, created_at, expires_at, consumed_at)
                VALUES (@tenant, @id, @purpose, @created_at, @expires_at, NULL)
                ON CONFLICT DO NOTHING
                """, Tenant, ("@id", n.Id), ("@purpose", n.Purpose), ("@created_at", n.CreatedAt), ("@expires_at", n.ExpiresAt));
            if (inserted == 0) throw Conflicts.AlreadyExists("admin nonce", n.Id);
        }, cancellationToken);
    }

    public Task ConsumeNonceAsync(string nonceId, CancellationToken cancellationToken) =>
        ConsumeNonceCoreAsync(nonceId, null, cancellationToken);

    public Task ConsumeNonceAsync(string nonceId, string expectedPurpose, CancellationToken cancellationToken) =>
        ConsumeNonceCoreAsync(nonceId, Check.Required(expectedPurpose, "purpose"), cancellationToken);

    /// <summary>
    /// One conditional UPDATE consumes the nonce; only when it changes nothing is the row read to say why
    /// (NotFound, AlreadyConsumed, Expired, WrongPurpose, in that order).
    /// </summary>
    private Task ConsumeNonceCoreAsync(string nonceId, string? expectedPurpose, CancellationToken cancellationToken)
    {
        Check.Id(nonceId, "nonce id");
        return WriteAsync(s =>
        {
            var now = Now;
            var consumed = s.Execute($"""
                UPDATE {Tables.AdminNonces.Quoted} SET consumed_at = @now
                WHERE tenant_id = @tenant AND id = @id AND consumed_at IS NULL AND expires_at > @now
                  AND (@purpose IS NULL OR purpose = @purpose)
                """, Tenant, ("@id", nonceId), ("@now", now), ("@purpose", expectedPurpose));
            if (consumed == 1) return;
            var row = s.One($"""
                SELECT consumed_at IS NOT NULL, expires_at <= @now FROM {Tables.AdminNonces.Quoted} WHERE tenant_id = @tenant AND id = @id
                """, r => ((bool Consumed, bool Expired)?)(r.Bool(0), r.Bool(1)), Tenant, ("@id", nonceId), ("@now", now));
            // The UPDATE matched nothing inside the write transaction: when the row is there, neither consumed nor
            // expired, only the purpose can have kept it from matching.
            throw new NonceException(nonceId, NonceFailure.Classify(row is not null, row?.Consumed == true, row?.Expired == true,
                purposeMatches: false) ?? NonceFailureReason.WrongPurpose);
        }, cancellationToken);
    }

    public Task<long> CleanupExpiredNoncesAsync(CancellationToken cancellationToken) =>
        LoopAsync(s => s.Execute($"""
            DELETE FROM {Tables.AdminNonces.Quoted}
            WHERE rowid IN (SELECT rowid FROM {Tables.AdminNonces.Quoted} WHERE expires_at <= @now LIMIT @batch)
            """, ("@now", Now), ("@batch", BatchSize)), cancellationToken);
}
