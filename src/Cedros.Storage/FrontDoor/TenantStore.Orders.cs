namespace Cedros.Storage.FrontDoor;

internal sealed partial class TenantStore
{
    public Task<bool> TryStoreOrderAsync(Order order, CancellationToken cancellationToken = default) =>
        Call("TryStoreOrder", "orders", ct => Driver.TryStoreOrderAsync(order, ct), cancellationToken);

    public Task<Order?> GetOrderAsync(string orderId, CancellationToken cancellationToken = default) =>
        Call("GetOrder", "orders", ct => Driver.GetOrderAsync(orderId, ct), cancellationToken);

    public Task<Order?> GetOrderByPurchaseAsync(string source, string purchaseId, CancellationToken cancellationToken = default) =>
        Call("GetOrderByPurchase", "orders", ct => Driver.GetOrderByPurchaseAsync(source, purchaseId, ct), cancellationToken);

    public Task<IReadOnlyList<Order>> ListOrdersAsync(int limit, int offset, CancellationToken cancellationToken = default) =>
        Call("ListOrders", "orders", ct => Driver.ListOrdersAsync(limit, offset, ct), cancellationToken);

    public Task<OrderPage> ListOrdersFilteredAsync(OrderStatus? status, string? search, DateTimeOffset? createdBefore, DateTimeOffset? createdAfter, int limit, int offset, CancellationToken cancellationToken = default) =>
        Call("ListOrdersFiltered", "orders", ct => Driver.ListOrdersFilteredAsync(status, search, createdBefore, createdAfter, limit, offset, ct), cancellationToken);

    public Task UpdateOrderStatusAsync(string orderId, OrderStatus status, DateTimeOffset statusUpdatedAt, DateTimeOffset updatedAt, CancellationToken cancellationToken = default) =>
        Call("UpdateOrderStatus", "orders", ct => Driver.UpdateOrderStatusAsync(orderId, status, statusUpdatedAt, updatedAt, ct), cancellationToken);

    public Task UpdateOrderStatusAsync(string orderId, OrderStatus expectedStatus, OrderStatus status, DateTimeOffset statusUpdatedAt, DateTimeOffset updatedAt, CancellationToken cancellationToken = default) =>
        Call("UpdateOrderStatus", "orders", ct => Driver.UpdateOrderStatusAsync(orderId, expectedStatus, status, statusUpdatedAt, updatedAt, ct), cancellationToken);

    public Task AppendOrderHistoryAsync(OrderHistoryEntry entry, CancellationToken cancellationToken = default) =>
        Call("AppendOrderHistory", "order_history", ct => Driver.AppendOrderHistoryAsync(entry, ct), cancellationToken);

    public Task<IReadOnlyList<OrderHistoryEntry>> ListOrderHistoryAsync(string orderId, int limit, CancellationToken cancellationToken = default) =>
        Call("ListOrderHistory", "order_history", ct => Driver.ListOrderHistoryAsync(orderId, limit, ct), cancellationToken);

    public Task<OrderHistoryEntry?> UpdateOrderStatusWithHistoryAsync(string orderId, OrderStatus status, DateTimeOffset at, string? note = null, string? actor = null, CancellationToken cancellationToken = default) =>
        Call("UpdateOrderStatusWithHistory", "orders", ct => Driver.UpdateOrderStatusWithHistoryAsync(orderId, status, at, note, actor, ct), cancellationToken);

    public Task<OrderHistoryEntry?> UpdateOrderStatusWithHistoryAsync(string orderId, OrderStatus expectedStatus, OrderStatus status, DateTimeOffset at, string? note = null, string? actor = null, CancellationToken cancellationToken = default) =>
        Call("UpdateOrderStatusWithHistory", "orders", ct => Driver.UpdateOrderStatusWithHistoryAsync(orderId, expectedStatus, status, at, note, actor, ct), cancellationToken);
}
