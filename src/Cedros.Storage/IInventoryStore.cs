namespace Cedros.Storage;

/// <summary>Inventory reservations (contract §5).</summary>
public interface IInventoryStore
{
    /// <summary>Creates an active reservation (quantity ≥ 1, expiry in the future).</summary>
    Task ReserveInventoryAsync(InventoryReservation reservation, CancellationToken cancellationToken = default);

    /// <summary>Creates the reservation only if active unexpired reservations for its (product, variant) plus its
    /// quantity stay ≤ <paramref name="availableStock"/>, atomically; else LimitReached.</summary>
    Task ReserveInventoryAsync(InventoryReservation reservation, int availableStock, CancellationToken cancellationToken = default);

    /// <summary>Reserves a whole cart all-or-nothing against the stock of each (product, variant); else LimitReached.</summary>
    Task ReserveInventoryAsync(IReadOnlyList<InventoryReservation> reservations, IReadOnlyDictionary<StockKey, int> availableStock,
        CancellationToken cancellationToken = default);

    /// <summary>Active, unexpired units held for a product and variant.</summary>
    Task<int> GetReservedQuantityAsync(string productId, string? variantId = null, CancellationToken cancellationToken = default);

    /// <summary>A cart's active, unexpired reservations, oldest first.</summary>
    Task<IReadOnlyList<InventoryReservation>> ListActiveReservationsForCartAsync(string cartId, CancellationToken cancellationToken = default);

    /// <summary>Moves the cart's active reservations to released; returns the count.</summary>
    Task<int> ReleaseInventoryReservationsAsync(string cartId, DateTimeOffset releasedAt, CancellationToken cancellationToken = default);

    /// <summary>Moves the cart's active, unexpired reservations to converted; returns the count.</summary>
    Task<int> ConvertInventoryReservationsAsync(string cartId, DateTimeOffset convertedAt, CancellationToken cancellationToken = default);

    /// <summary>Releases active reservations with expires_at ≤ <paramref name="now"/>, across tenants; returns the count.</summary>
    Task<int> CleanupExpiredInventoryReservationsAsync(DateTimeOffset now, CancellationToken cancellationToken = default);

    /// <summary>As the overload without progress; <paramref name="progress"/> receives the running total of rows after
    /// every batch (<c>storage.housekeeping_batch_size</c>) that changed some.</summary>
    Task<int> CleanupExpiredInventoryReservationsAsync(DateTimeOffset now, IProgress<long>? progress, CancellationToken cancellationToken = default);
}
