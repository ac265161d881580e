using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Schema.Rows;
using Cedros.Storage.Validation;

namespace Cedros.Storage.Sqlite;

internal sealed partial class SqliteStore : IInventoryDriver
{
    /// <summary>The stock sums and the inserts run in one write transaction, which holds the file's write lock, so no
    /// other reserver (in any process) can slip in between; a taken id rolls the inserts back.</summary>
    public async Task<ReservationOutcome> InsertReservationsAsync(IReadOnlyList<InventoryReservation> reservations,
        IReadOnlyList<StockDemand> demands, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            return await WriteAsync(s =>
            {
                for (var i = 0; i < demands.Count; i++)
                {
                    var reserved = ActiveUnits(s, demands[i].Key, now);
                    if (reserved + demands[i].Quantity > demands[i].Available) return ReservationOutcome.Refused(i, reserved);
                }
                var changes = s.ForEach(Sql($"""
                    INSERT INTO [[inventory_reservations]] ({ReservationRow.Columns})
                    VALUES (@id, @tenant, @product_id, @variant_id, @quantity, @expires_at, @cart_id, 'active', @created_at, NULL)
                    ON CONFLICT DO NOTHING
                    """), reservations, r => [Tenant, ("@id", r.Id), ("@product_id", r.ProductId), ("@variant_id", r.VariantId),
                    ("@quantity", (long)r.Quantity), ("@expires_at", r.ExpiresAt), ("@cart_id", r.CartId), ("@created_at", r.CreatedAt)]);
                var duplicate = Array.IndexOf(changes, 0);
                return duplicate < 0 ? ReservationOutcome.Done : throw new Undo<ReservationOutcome>(ReservationOutcome.Duplicate(duplicate));
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Undo<ReservationOutcome> undo)
        {
            return undo.Outcome;
        }
    }

    public Task<long> SumActiveReservationsAsync(StockKey key, DateTimeOffset now, CancellationToken cancellationToken) =>
        ReadAsync(s => ActiveUnits(s, key, now), cancellationToken);

    public Task<int> ReleaseExpiredReservationsAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken) =>
        WriteAsync(s => s.Execute(Sql("""
            UPDATE [[inventory_reservations]] SET status = 'released', status_updated_at = @cutoff
            WHERE rowid IN (SELECT rowid FROM [[inventory_reservations]]
                            WHERE status = 'active' AND expires_at <= @cutoff LIMIT @batch)
            """), ("@cutoff", cutoff), ("@batch", batchSize)), cancellationToken);

    private long ActiveUnits(SqliteSession s, StockKey key, DateTimeOffset now) => s.Long(Sql("""
        SELECT coalesce(sum(quantity), 0) FROM [[inventory_reservations]]
        WHERE tenant_id = @tenant AND product_id = @product AND variant_id IS @variant AND status = 'active' AND expires_at > @now
        """), Tenant, ("@product", key.ProductId), ("@variant", key.VariantId), ("@now", now));
}
