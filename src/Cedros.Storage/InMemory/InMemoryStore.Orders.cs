namespace Cedros.Storage.InMemory;

internal sealed partial class InMemoryStore
{
    public Task<bool> TryStoreOrderAsync(Order order, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<Order?> GetOrderAsync(string orderId, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<Order?> GetOrderByPurchaseAsync(string source, string purchaseId, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<IReadOnlyList<Order>> ListOrdersAsync(int limit, int offset, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<OrderPage> ListOrdersFilteredAsync(OrderStatus? status, string? search, DateTimeOffset? createdBefore, DateTimeOffset? createdAfter, int limit, int offset, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task UpdateOrderStatusAsync(string orderId, OrderStatus status, DateTimeOffset statusUpdatedAt, DateTimeOffset updatedAt, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task AppendOrderHistoryAsync(OrderHistoryEntry entry, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<IReadOnlyList<OrderHistoryEntry>> ListOrderHistoryAsync(string orderId, int limit, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<OrderHistoryEntry?> UpdateOrderStatusWithHistoryAsync(string orderId, OrderStatus status, DateTimeOffset at, string? note, string? actor, CancellationToken cancellationToken) => throw new NotImplementedException();
}
