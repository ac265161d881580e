namespace Cedros.Storage.InMemory;

internal sealed partial class InMemoryStore
{
    public Task ReserveInventoryAsync(InventoryReservation reservation, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task ReserveInventoryAsync(InventoryReservation reservation, int availableStock, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task ReserveInventoryAsync(IReadOnlyList<InventoryReservation> reservations, IReadOnlyDictionary<StockKey, int> availableStock, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<int> GetReservedQuantityAsync(string productId, string? variantId, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<IReadOnlyList<InventoryReservation>> ListActiveReservationsForCartAsync(string cartId, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<int> ReleaseInventoryReservationsAsync(string cartId, DateTimeOffset releasedAt, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<int> ConvertInventoryReservationsAsync(string cartId, DateTimeOffset convertedAt, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<int> CleanupExpiredInventoryReservationsAsync(DateTimeOffset now, CancellationToken cancellationToken) => throw new NotImplementedException();
}
