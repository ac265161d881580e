namespace Cedros.Storage.FrontDoor;

internal sealed partial class TenantStore
{
    public Task ReserveInventoryAsync(InventoryReservation reservation, CancellationToken cancellationToken = default) =>
        Call("ReserveInventory", "inventory_reservations", ct => Driver.ReserveInventoryAsync(reservation, ct), cancellationToken);

    public Task ReserveInventoryAsync(InventoryReservation reservation, int availableStock, CancellationToken cancellationToken = default) =>
        Call("ReserveInventory", "inventory_reservations", ct => Driver.ReserveInventoryAsync(reservation, availableStock, ct), cancellationToken);

    public Task ReserveInventoryAsync(IReadOnlyList<InventoryReservation> reservations, IReadOnlyDictionary<StockKey, int> availableStock, CancellationToken cancellationToken = default) =>
        Call("ReserveInventory", "inventory_reservations", ct => Driver.ReserveInventoryAsync(reservations, availableStock, ct), cancellationToken);

    public Task<int> GetReservedQuantityAsync(string productId, string? variantId = null, CancellationToken cancellationToken = default) =>
        Call("GetReservedQuantity", "inventory_reservations", ct => Driver.GetReservedQuantityAsync(productId, variantId, ct), cancellationToken);

    public Task<IReadOnlyList<InventoryReservation>> ListActiveReservationsForCartAsync(string cartId, CancellationToken cancellationToken = default) =>
        Call("ListActiveReservationsForCart", "inventory_reservations", ct => Driver.ListActiveReservationsForCartAsync(cartId, ct), cancellationToken);

    public Task<int> ReleaseInventoryReservationsAsync(string cartId, DateTimeOffset releasedAt, CancellationToken cancellationToken = default) =>
        Call("ReleaseInventoryReservations", "inventory_reservations", ct => Driver.ReleaseInventoryReservationsAsync(cartId, releasedAt, ct), cancellationToken);

    public Task<int> ConvertInventoryReservationsAsync(string cartId, DateTimeOffset convertedAt, CancellationToken cancellationToken = default) =>
        Call("ConvertInventoryReservations", "inventory_reservations", ct => Driver.ConvertInventoryReservationsAsync(cartId, convertedAt, ct), cancellationToken);

    public Task<int> CleanupExpiredInventoryReservationsAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        Call("CleanupExpiredInventoryReservations", "inventory_reservations", ct => Driver.CleanupExpiredInventoryReservationsAsync(now, ct), cancellationToken);
}
