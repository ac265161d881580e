using Cedros.Storage.FrontDoor.Drivers;

namespace Cedros.Storage.Sqlite;

internal sealed partial class SqliteStore : INonceDriver
{
    /// <summary>One conditional UPDATE consumes the nonce; only when it changes nothing is the row read, in the same
    /// write transaction, to report it as it was.</summary>
    public Task<NonceConsumption> ConsumeNonceAsync(string nonceId, string? expectedPurpose, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(s =>
        {
            var consumed = s.Execute(Sql("""
                UPDATE [[admin_nonces]] SET consumed_at = @now
                WHERE tenant_id = @tenant AND id = @id AND consumed_at IS NULL AND expires_at > @now
                  AND (@purpose IS NULL OR purpose = @purpose)
                """), Tenant, ("@id", nonceId), ("@now", now), ("@purpose", expectedPurpose));
            if (consumed == 1) return NonceConsumption.Done;
            return s.One(Sql("SELECT consumed_at IS NOT NULL, expires_at, purpose FROM [[admin_nonces]] WHERE tenant_id = @tenant AND id = @id"),
                r => (NonceConsumption?)new NonceConsumption(false, true, r.Bool(0), r.Time(1), r.IsDBNull(2) ? null : r.GetString(2)),
                Tenant, ("@id", nonceId)) ?? NonceConsumption.Missing;
        }, cancellationToken);

    public Task<int> DeleteExpiredNoncesAsync(DateTimeOffset now, int batchSize, CancellationToken cancellationToken) =>
        WriteAsync(s => s.Execute(Sql("""
            DELETE FROM [[admin_nonces]]
            WHERE rowid IN (SELECT rowid FROM [[admin_nonces]] WHERE expires_at <= @now LIMIT @batch)
            """), ("@now", now), ("@batch", batchSize)), cancellationToken);
}
