using Cedros.Storage.Internal;
using Cedros.Storage.Validation;

namespace Cedros.Storage.InMemory;

internal sealed partial class InMemoryStore
{
    public Task ReserveInventoryAsync(InventoryReservation reservation, CancellationToken cancellationToken)
    {
        var prepared = Prepare.Reservation(TenantId, reservation, Now);
        return RunAsync(t => AddReservation(t, prepared, item: null), cancellationToken);
    }

    public Task ReserveInventoryAsync(InventoryReservation reservation, int availableStock, CancellationToken cancellationToken)
    {
        var prepared = PrepareReservations.One(TenantId, reservation, availableStock, Now, out var demand);
        return RunAsync(t =>
        {
            EnsureStock(t, demand);
            AddReservation(t, prepared, item: null);
        }, cancellationToken);
    }

    public Task ReserveInventoryAsync(IReadOnlyList<InventoryReservation> reservations, IReadOnlyDictionary<StockKey, int> availableStock,
        CancellationToken cancellationToken)
    {
        var prepared = PrepareReservations.Batch(TenantId, reservations, availableStock, Now, out var demands);
        return RunAsync(t =>
        {
            foreach (var demand in demands) EnsureStock(t, demand);
            for (var i = 0; i < prepared.Length; i++) AddReservation(t, prepared[i], i);
        }, cancellationToken);
    }

    public Task<int> GetReservedQuantityAsync(string productId, string? variantId, CancellationToken cancellationToken)
    {
        Check.Id(productId, "product_id");
        if (variantId is not null) Check.Id(variantId, "variant_id");
        return RunAsync(t => (int)Math.Min(int.MaxValue, ReservedQuantity(t, new StockKey(productId, variantId), Now)), cancellationToken);
    }

    public Task<IReadOnlyList<InventoryReservation>> ListActiveReservationsForCartAsync(string cartId, CancellationToken cancellationToken)
    {
        Check.Id(cartId, "cart id");
        return RunAsync<IReadOnlyList<InventoryReservation>>(t =>
        {
            var now = Now;
            return CartReservations(t, cartId)
                .Where(r => r.Status == ReservationStatus.Active && r.ExpiresAt > now)
                .OrderBy(r => r.CreatedAt)
                .ThenBy(r => r.Id, Utf8Order.Instance)
                .ToList()
                .AsReadOnly();
        }, cancellationToken);
    }

    public Task<int> ReleaseInventoryReservationsAsync(string cartId, DateTimeOffset releasedAt, CancellationToken cancellationToken)
    {
        Check.Id(cartId, "cart id");
        var at = StorageTime.Micro(releasedAt);
        return RunAsync(t => MoveCartReservations(t, cartId, ReservationStatus.Released, at, _ => true), cancellationToken);
    }

    public Task<int> ConvertInventoryReservationsAsync(string cartId, DateTimeOffset convertedAt, CancellationToken cancellationToken)
    {
        Check.Id(cartId, "cart id");
        var at = StorageTime.Micro(convertedAt);
        return RunAsync(t =>
        {
            var now = Now;
            return MoveCartReservations(t, cartId, ReservationStatus.Converted, at, r => r.ExpiresAt > now);
        }, cancellationToken);
    }

    public async Task<int> CleanupExpiredInventoryReservationsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var cutoff = StorageTime.Micro(now);
        var total = await RunInBatchesAsync((t, batchSize) =>
        {
            var batch = t.Reservations
                .Where(p => p.Value.Status == ReservationStatus.Active && p.Value.ExpiresAt <= cutoff)
                .Take(batchSize)
                .ToArray();
            t.Reservations = t.Reservations.SetItems(batch.Select(p => KeyValuePair.Create(p.Key,
                p.Value with { Status = ReservationStatus.Released, StatusUpdatedAt = cutoff })));
            return batch.Length;
        }, cancellationToken).ConfigureAwait(false);
        return (int)Math.Min(int.MaxValue, total);
    }

    private void AddReservation(InMemoryTables t, InventoryReservation reservation, int? item)
    {
        if (t.Reservations.ContainsKey(Key(reservation.Id)))
            throw Conflicts.AlreadyExists("inventory reservation", reservation.Id, item);
        t.Reservations = t.Reservations.Add(Key(reservation.Id), reservation);
    }

    /// <summary>Throws LimitReached unless the demanded units fit in the stock (checked under the
    /// same lock as the insert that follows).</summary>
    private void EnsureStock(InMemoryTables t, StockDemand demand) =>
        PrepareReservations.EnsureFits(demand, ReservedQuantity(t, demand.Key, Now));

    /// <summary>Active, unexpired units of one (product, variant) in this tenant.</summary>
    private long ReservedQuantity(InMemoryTables t, StockKey key, DateTimeOffset now) => t.Reservations.Values
        .Where(r => r.TenantId == TenantId
            && r.Status == ReservationStatus.Active
            && r.ExpiresAt > now
            && string.Equals(r.ProductId, key.ProductId, StringComparison.Ordinal)
            && string.Equals(r.VariantId, key.VariantId, StringComparison.Ordinal))
        .Sum(r => (long)r.Quantity);

    private IEnumerable<InventoryReservation> CartReservations(InMemoryTables t, string cartId) => t.Reservations.Values
        .Where(r => r.TenantId == TenantId && string.Equals(r.CartId, cartId, StringComparison.Ordinal));

    private int MoveCartReservations(InMemoryTables t, string cartId, ReservationStatus to, DateTimeOffset at,
        Func<InventoryReservation, bool> eligible)
    {
        var moved = CartReservations(t, cartId).Where(r => r.Status == ReservationStatus.Active && eligible(r)).ToArray();
        t.Reservations = t.Reservations.SetItems(moved.Select(r => KeyValuePair.Create(Key(r.Id),
            r with { Status = to, StatusUpdatedAt = at })));
        return moved.Length;
    }
}
