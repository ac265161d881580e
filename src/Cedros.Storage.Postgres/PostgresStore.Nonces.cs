using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Sql;

namespace Cedros.Storage.Postgres;

internal sealed partial class PostgresStore : INonceDriver
{
    /// <summary>
    /// One statement: the conditional UPDATE, and — only when it consumed nothing — the row as it was before it (from the
    /// statement's snapshot), so a successful consumption reads the row once, as a hand-written UPDATE would.
    /// </summary>
    public Task<NonceConsumption> ConsumeNonceAsync(string nonceId, string? expectedPurpose, DateTimeOffset now, CancellationToken cancellationToken) =>
        RunAsync(c => c.RowAsync("""
            WITH u AS (
                UPDATE [[admin_nonces]] SET consumed_at = @now
                 WHERE tenant_id = @t AND id = @id AND consumed_at IS NULL AND expires_at > @now
                   AND (@purpose IS NULL OR purpose = @purpose)
                RETURNING 1)
            SELECT true, true, false, NULL, NULL FROM u
            UNION ALL
            SELECT false, n.id IS NOT NULL, n.consumed_at IS NOT NULL, n.expires_at, n.purpose
              FROM (SELECT 1) AS one
              LEFT JOIN [[admin_nonces]] n ON n.tenant_id = @t AND n.id = @id
             WHERE NOT EXISTS (SELECT 1 FROM u)
            """, r => new NonceConsumption(r.GetBoolean(0), r.GetBoolean(1), !r.IsDBNull(2) && r.GetBoolean(2), Codec.OptTime(r, 3),
                SqlCodec.OptStr(r, 4)),
            ("t", TenantId), ("id", nonceId), ("now", now), ("purpose", PgCodec.TextParam(expectedPurpose))), cancellationToken);

    public Task<int> DeleteExpiredNoncesAsync(DateTimeOffset now, int batchSize, CancellationToken cancellationToken) =>
        RunAsync(c => c.ExecuteAsync("""
            DELETE FROM [[admin_nonces]] n USING (
                SELECT tenant_id, id FROM [[admin_nonces]] WHERE expires_at <= @now LIMIT @n FOR UPDATE SKIP LOCKED) b
             WHERE n.tenant_id = b.tenant_id AND n.id = b.id
            """, ("now", now), ("n", batchSize)), cancellationToken);
}
