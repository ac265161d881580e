using Cedros.Storage.Internal;
using Cedros.Storage.Validation;
using Microsoft.Data.Sqlite;

namespace Cedros.Storage.Sqlite;

internal sealed partial class SqliteStore
{
    private const string ReservationColumns =
        "tenant_id, id, product_id, variant_id, quantity, expires_at, cart_id, status, created_at, status_updated_at";

    private static InventoryReservation ReadReservation(SqliteDataReader r) => new()
    {
        TenantId = r.Str(0),
        Id = r.Str(1),
        ProductId = r.Str(2),
        VariantId = r.StrOrNull(3),
        Quantity = r.Int(4),
        ExpiresAt = r.Time(5),
        CartId = r.StrOrNull(6),
        Status = r.Enum<ReservationStatus>(7),
        CreatedAt = r.Time(8),
        StatusUpdatedAt = r.TimeOrNull(9),
    };

    public Task ReserveInventoryAsync(InventoryReservation reservation, CancellationToken cancellationToken)
    {
        var prepared = Prepare.Reservation(TenantId, reservation, Now);
        return WriteAsync(s => InsertReservations(s, [prepared]), cancellationToken);
    }

    public Task ReserveInventoryAsync(InventoryReservation reservation, int availableStock, CancellationToken cancellationToken)
    {
        var prepared = PrepareReservations.One(TenantId, reservation, availableStock, Now, out var demand);
        return WriteAsync(s =>
        {
            EnsureStock(s, demand);
            InsertReservations(s, [prepared]);
        }, cancellationToken);
    }

    public Task ReserveInventoryAsync(IReadOnlyList<InventoryReservation> reservations, IReadOnlyDictionary<StockKey, int> availableStock,
        CancellationToken cancellationToken)
    {
        var prepared = PrepareReservations.Batch(TenantId, reservations, availableStock, Now, out var demands);
        return WriteAsync(s =>
        {
            foreach (var demand in demands) EnsureStock(s, demand);
            InsertReservations(s, prepared);
        }, cancellationToken);
    }

    public Task<int> GetReservedQuantityAsync(string productId, string? variantId, CancellationToken cancellationToken)
    {
        Check.Id(productId, "product_id");
        if (variantId is not null) Check.Id(variantId, "variant_id");
        return ReadAsync(s => (int)Math.Min(int.MaxValue, ReservedQuantity(s, new StockKey(productId, variantId))), cancellationToken);
    }

    public Task<IReadOnlyList<InventoryReservation>> ListActiveReservationsForCartAsync(string cartId, CancellationToken cancellationToken)
    {
        Check.Id(cartId, "cart id");
        return ReadAsync<IReadOnlyList<InventoryReservation>>(s => s.List($"""
            SELECT {ReservationColumns} FROM {Tables.InventoryReservations.Quoted}
            WHERE tenant_id = @tenant AND cart_id = @cart AND status = 'active' AND expires_at > @now
            ORDER BY created_at, id
            """, ReadReservation, Tenant, ("@cart", cartId), ("@now", Now)), cancellationToken);
    }

    public Task<int> ReleaseInventoryReservationsAsync(string cartId, DateTimeOffset releasedAt, CancellationToken cancellationToken)
    {
        Check.Id(cartId, "cart id");
        var at = StorageTime.Micro(releasedAt);
        return WriteAsync(s => s.Execute($"""
            UPDATE {Tables.InventoryReservations.Quoted} SET status = 'released', status_updated_at = @at
            WHERE tenant_id = @tenant AND cart_id = @cart AND status = 'active'
            """, Tenant, ("@cart", cartId), ("@at", at)), cancellationToken);
    }

    public Task<int> ConvertInventoryReservationsAsync(string cartId, DateTimeOffset convertedAt, CancellationToken cancellationToken)
    {
        Check.Id(cartId, "cart id");
        var at = StorageTime.Micro(convertedAt);
        return WriteAsync(s => s.Execute($"""
            UPDATE {Tables.InventoryReservations.Quoted} SET status = 'converted', status_updated_at = @at
            WHERE tenant_id = @tenant AND cart_id = @cart AND status = 'active' AND expires_at > @now
            """, Tenant, ("@cart", cartId), ("@at", at), ("@now", Now)), cancellationToken);
    }

    public async Task<int> CleanupExpiredInventoryReservationsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var cutoff = StorageTime.Micro(now);
        var total = await LoopAsync(s => s.Execute($"""
            UPDATE {Tables.InventoryReservations.Quoted} SET status = 'released', status_updated_at = @cutoff
            WHERE rowid IN (SELECT rowid FROM {Tables.InventoryReservations.Quoted}
                            WHERE status = 'active' AND expires_at <= @cutoff LIMIT @batch)
            """, ("@cutoff", cutoff), ("@batch", BatchSize)), cancellationToken).ConfigureAwait(false);
        return (int)Math.Min(int.MaxValue, total);
    }

    private void InsertReservations(SqliteSession s, InventoryReservation[] reservations)
    {
        var changes = s.ForEach($"""
            INSERT INTO {Tables.InventoryReservations.Quoted} ({ReservationColumns})
            VALUES (@tenant, @id, @product_id, @variant_id, @quantity, @expires_at, @cart_id, 'active', @created_at, NULL)
            ON CONFLICT DO NOTHING
            """, reservations, r => [Tenant, ("@id", r.Id), ("@product_id", r.ProductId), ("@variant_id", r.VariantId),
            ("@quantity", (long)r.Quantity), ("@expires_at", r.ExpiresAt), ("@cart_id", r.CartId), ("@created_at", r.CreatedAt)]);
        var duplicate = Array.IndexOf(changes, 0);
        if (duplicate >= 0)
            throw Conflicts.AlreadyExists("inventory reservation", reservations[duplicate].Id, reservations.Length > 1 ? duplicate : null);
    }

    /// <summary>Checked inside the write transaction, so no other reserver (in any process) can slip in between.</summary>
    private void EnsureStock(SqliteSession s, StockDemand demand) =>
        PrepareReservations.EnsureFits(demand, ReservedQuantity(s, demand.Key));

    private long ReservedQuantity(SqliteSession s, StockKey key) => s.Long($"""
        SELECT coalesce(sum(quantity), 0) FROM {Tables.InventoryReservations.Quoted}
        WHERE tenant_id = @tenant AND product_id = @product AND variant_id IS @variant AND status = 'active' AND expires_at > @now
        """, Tenant, ("@product", key.ProductId), ("@variant", key.VariantId), ("@now", Now));
}
