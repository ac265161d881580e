using Cedros.Storage.Internal;
using Cedros.Storage.Validation;

namespace Cedros.Storage.FrontDoor;

internal sealed partial class TenantStore
{
    public Task ReserveInventoryAsync(InventoryReservation reservation, CancellationToken cancellationToken = default) =>
        Call("ReserveInventory", "inventory_reservations",
            ct => ReserveCoreAsync([Prepare.Reservation(TenantId, reservation, Now)], [], ct), cancellationToken);

    public Task ReserveInventoryAsync(InventoryReservation reservation, int availableStock, CancellationToken cancellationToken = default) =>
        Call("ReserveInventory", "inventory_reservations", ct =>
        {
            var prepared = PrepareReservations.One(TenantId, reservation, availableStock, Now, out var demand);
            return ReserveCoreAsync([prepared], [demand], ct);
        }, cancellationToken);

    public Task ReserveInventoryAsync(IReadOnlyList<InventoryReservation> reservations, IReadOnlyDictionary<StockKey, int> availableStock, CancellationToken cancellationToken = default) =>
        Call("ReserveInventory", "inventory_reservations", ct =>
        {
            var prepared = PrepareReservations.Batch(TenantId, reservations, availableStock, Now, out var demands);
            return prepared.Length == 0 ? Task.CompletedTask : ReserveCoreAsync(prepared, demands, ct);
        }, cancellationToken);

    /// <summary>One atomic driver step; a stock refusal is LimitReached (counted by the refusal counters), a taken id
    /// Conflict naming it (and its item, in a call of several).</summary>
    private async Task ReserveCoreAsync(InventoryReservation[] items, StockDemand[] demands, CancellationToken cancellationToken)
    {
        var outcome = await Driver.InsertReservationsAsync(items, demands, Now, cancellationToken).ConfigureAwait(false);
        if (outcome.RefusedDemand >= 0) PrepareReservations.EnsureFits(demands[outcome.RefusedDemand], outcome.Reserved);
        if (outcome.DuplicateItem is var d and >= 0)
            throw Conflicts.AlreadyExists("inventory reservation", items[d].Id, items.Length > 1 ? d : null);
    }

    public Task<int> GetReservedQuantityAsync(string productId, string? variantId = null, CancellationToken cancellationToken = default) =>
        Call("GetReservedQuantity", "inventory_reservations", async ct =>
        {
            Check.Id(productId, "product_id");
            if (variantId is not null) Check.Id(variantId, "variant_id");
            var reserved = await Driver.SumActiveReservationsAsync(new StockKey(productId, variantId), Now, ct).ConfigureAwait(false);
            return (int)Math.Min(int.MaxValue, reserved);
        }, cancellationToken);

    public Task<IReadOnlyList<InventoryReservation>> ListActiveReservationsForCartAsync(string cartId, CancellationToken cancellationToken = default) =>
        Call("ListActiveReservationsForCart", "inventory_reservations", ct =>
        {
            Check.Id(cartId, "cart id");
            return Driver.SelectActiveCartReservationsAsync(cartId, Now, ct);
        }, cancellationToken);

    public Task<int> ReleaseInventoryReservationsAsync(string cartId, DateTimeOffset releasedAt, CancellationToken cancellationToken = default) =>
        Call("ReleaseInventoryReservations", "inventory_reservations", ct =>
        {
            Check.Id(cartId, "cart id");
            return Driver.ReleaseCartReservationsAsync(cartId, StorageTime.Micro(releasedAt), ct);
        }, cancellationToken);

    public Task<int> ConvertInventoryReservationsAsync(string cartId, DateTimeOffset convertedAt, CancellationToken cancellationToken = default) =>
        Call("ConvertInventoryReservations", "inventory_reservations", ct =>
        {
            Check.Id(cartId, "cart id");
            return Driver.ConvertCartReservationsAsync(cartId, StorageTime.Micro(convertedAt), Now, ct);
        }, cancellationToken);

    public Task<int> CleanupExpiredInventoryReservationsAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        CleanupExpiredInventoryReservationsAsync(now, null, cancellationToken);

    public Task<int> CleanupExpiredInventoryReservationsAsync(DateTimeOffset now, IProgress<long>? progress, CancellationToken cancellationToken = default) =>
        Call("CleanupExpiredInventoryReservations", "inventory_reservations", async ct =>
        {
            var cutoff = StorageTime.Micro(now);
            var total = await InBatchesAsync((size, innerCt) => Driver.ReleaseExpiredReservationsAsync(cutoff, size, innerCt), ct, progress)
                .ConfigureAwait(false);
            return (int)Math.Min(int.MaxValue, total);
        }, cancellationToken);
}
