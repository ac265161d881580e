namespace Cedros.Storage.FrontDoor.Drivers;

/// <summary>Orders and their status history, database side (contract §5). Values arrive prepared (checked, normalised,
/// tenant stamped); statuses travel as the front door chose them, and the status as stored is reported as text.</summary>
internal interface IOrderDriver
{
    /// <summary>Inserts the order; false when this tenant already has one with its id or its (source, purchase id).</summary>
    Task<bool> InsertOrderAsync(Order order, CancellationToken cancellationToken);

    Task<Order?> SelectOrderAsync(string orderId, CancellationToken cancellationToken);

    Task<Order?> SelectOrderByPurchaseAsync(string source, string purchaseId, CancellationToken cancellationToken);

    /// <summary>A page of the tenant's orders, newest first (created_at, then id, descending).</summary>
    Task<IReadOnlyList<Order>> SelectOrdersAsync(int limit, int offset, CancellationToken cancellationToken);

    /// <summary>A page of the matching orders and their total, read from one snapshot. <paramref name="needle"/> is a
    /// literal, case-insensitive substring of id, purchase id, resource id, customer or customer e-mail (null: any).</summary>
    Task<OrderPage> SelectOrdersFilteredAsync(OrderStatus? status, string? needle, DateTimeOffset? createdBefore,
        DateTimeOffset? createdAfter, int limit, int offset, CancellationToken cancellationToken);

    /// <summary>
    /// In one atomic step, moves the order to <paramref name="status"/> when its status is one of
    /// <paramref name="allowedFrom"/>. When nothing changed, reports the status as it is now (null: no such order).
    /// </summary>
    Task<OrderStatusUpdate> UpdateOrderStatusIfInAsync(string orderId, IReadOnlyList<OrderStatus> allowedFrom, OrderStatus status,
        DateTimeOffset statusUpdatedAt, DateTimeOffset updatedAt, CancellationToken cancellationToken);

    /// <summary>The order's status as stored, or null when there is no such order. With <paramref name="lockRow"/>, the
    /// row stays locked until the driver's transaction ends.</summary>
    Task<string?> SelectOrderStatusAsync(string orderId, bool lockRow, CancellationToken cancellationToken);

    /// <summary>Sets the order's status, status_updated_at and updated_at (used under the lock of
    /// <see cref="SelectOrderStatusAsync"/>).</summary>
    Task SetOrderStatusAsync(string orderId, OrderStatus status, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Inserts the history entry; false when this tenant already has one with its id.</summary>
    Task<bool> InsertOrderHistoryAsync(OrderHistoryEntry entry, CancellationToken cancellationToken);

    /// <summary>The order's history, newest first (created_at, then id, descending).</summary>
    Task<IReadOnlyList<OrderHistoryEntry>> SelectOrderHistoryAsync(string orderId, int limit, CancellationToken cancellationToken);
}

/// <summary>The outcome of <see cref="IOrderDriver.UpdateOrderStatusIfInAsync"/>: updated, or the status as it is now
/// (<see cref="Current"/> null: no such order).</summary>
internal readonly record struct OrderStatusUpdate(bool Updated, string? Current)
{
    public static OrderStatusUpdate Done => new(true, null);
}
