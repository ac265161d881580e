using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Sql;

namespace Cedros.Storage.Postgres;

internal sealed partial class PostgresStore : INonceDriver
{
    /// <summary>
    /// The conditional UPDATE alone, as a hand-written consumption is, so the common case (it consumes) is one plain
    /// statement. Only when it consumed nothing is the row read, to say why; every reason it can give is true of the
    /// row at that read, and the UPDATE changed nothing. A row that reads as consumable then (created, or released by a
    /// consumer's rollback, after the UPDATE looked) is tried again (docs/decisions.md, "the front door and the drivers").
    /// </summary>
    public Task<NonceConsumption> ConsumeNonceAsync(string nonceId, string? expectedPurpose, DateTimeOffset now, CancellationToken cancellationToken) =>
        RunAsync(async c =>
        {
            var row = NonceConsumption.Missing;
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var consumed = await c.ExecuteAsync("""
                    UPDATE [[admin_nonces]] SET consumed_at = @now
                     WHERE tenant_id = @t AND id = @id AND consumed_at IS NULL AND expires_at > (SELECT @now)
                       AND (@purpose IS NULL OR purpose = @purpose)
                    """, ("t", TenantId), ("id", nonceId), ("now", now), ("purpose", PgCodec.TextParam(expectedPurpose))).ConfigureAwait(false);
                if (consumed == 1) return NonceConsumption.Done;
                var rows = await c.ListAsync("""
                    SELECT consumed_at IS NOT NULL, expires_at, purpose FROM [[admin_nonces]] WHERE tenant_id = @t AND id = @id
                    """, r => new NonceConsumption(false, true, r.GetBoolean(0), Codec.OptTime(r, 1), SqlCodec.OptStr(r, 2)),
                    ("t", TenantId), ("id", nonceId)).ConfigureAwait(false);
                row = rows.Count == 0 ? NonceConsumption.Missing : rows[0];
                if (row.Reason(expectedPurpose, now) is not null) break;
            }
            return row;
        }, cancellationToken);

    public Task<int> DeleteExpiredNoncesAsync(DateTimeOffset now, int batchSize, CancellationToken cancellationToken) =>
        RunAsync(c => c.ExecuteAsync("""
            DELETE FROM [[admin_nonces]] n USING (
                SELECT tenant_id, id FROM [[admin_nonces]] WHERE expires_at <= @now LIMIT @n FOR UPDATE SKIP LOCKED) b
             WHERE n.tenant_id = b.tenant_id AND n.id = b.id
            """, ("now", now), ("n", batchSize)), cancellationToken);
}
