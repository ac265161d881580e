using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Internal;

namespace Cedros.Storage.InMemory;

internal sealed partial class InMemoryStore : IOrderDriver
{
    public Task<bool> InsertOrderAsync(Order order, CancellationToken cancellationToken) =>
        // The purchase index gains a row only with a new order (its id and its purchase both unused).
        RunAsync(t => !t.OrdersByPurchase.ContainsKey((TenantId, order.Source, order.PurchaseId)) && Table.TryAdd(ref t.Orders, Key(order.Id), order)
            && Table.TryAdd(ref t.OrdersByPurchase, (TenantId, order.Source, order.PurchaseId), order.Id), cancellationToken);

    public Task<Order?> SelectOrderAsync(string orderId, CancellationToken cancellationToken) =>
        RunAsync(t => t.Orders.GetValueOrDefault(Key(orderId)), cancellationToken);

    public Task<Order?> SelectOrderByPurchaseAsync(string source, string purchaseId, CancellationToken cancellationToken) =>
        RunAsync(t => t.OrdersByPurchase.TryGetValue((TenantId, source, purchaseId), out var id) ? t.Orders.GetValueOrDefault(Key(id)) : null,
            cancellationToken);

    public Task<IReadOnlyList<Order>> SelectOrdersAsync(int limit, int offset, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<Order>>(t => NewestOrdersFirst(TenantOrders(t)).Skip(offset).Take(limit).ToArray(), cancellationToken);

    public Task<OrderPage> SelectOrdersFilteredAsync(OrderStatus? status, string? needle, DateTimeOffset? createdBefore,
        DateTimeOffset? createdAfter, int limit, int offset, CancellationToken cancellationToken) =>
        RunAsync(t =>
        {
            var matches = NewestOrdersFirst(TenantOrders(t).Where(o =>
                (status is null || o.Status == status)
                && (createdBefore is null || o.CreatedAt < createdBefore)
                && (createdAfter is null || o.CreatedAt >= createdAfter)
                && (needle is null || OrderMatches(o, needle))));
            return new OrderPage(matches.Skip(offset).Take(limit).ToArray(), matches.Length);
        }, cancellationToken);

    public Task<OrderStatusUpdate> UpdateOrderStatusIfInAsync(string orderId, IReadOnlyList<OrderStatus> allowedFrom, OrderStatus status,
        DateTimeOffset statusUpdatedAt, DateTimeOffset updatedAt, CancellationToken cancellationToken) =>
        RunAsync(t => Table.ChangeIf(ref t.Orders, Key(orderId), o => allowedFrom.Contains(o.Status),
            o => o with { Status = status, StatusUpdatedAt = statusUpdatedAt, UpdatedAt = updatedAt },
            new OrderStatusUpdate(false, null), o => new OrderStatusUpdate(false, EnumText<OrderStatus>.ToText(o.Status)), _ => OrderStatusUpdate.Done),
            cancellationToken);

    /// <summary>The engine's lock (held by the transaction) keeps the row as read.</summary>
    public Task<string?> SelectOrderStatusAsync(string orderId, bool lockRow, CancellationToken cancellationToken) =>
        RunAsync<string?>(t => t.Orders.TryGetValue(Key(orderId), out var order) ? EnumText<OrderStatus>.ToText(order.Status) : null,
            cancellationToken);

    public Task SetOrderStatusAsync(string orderId, OrderStatus status, DateTimeOffset at, CancellationToken cancellationToken) =>
        RunAsync(t => Table.Update(ref t.Orders, Key(orderId), o => o with { Status = status, StatusUpdatedAt = at, UpdatedAt = at }),
            cancellationToken);

    public Task<bool> InsertOrderHistoryAsync(OrderHistoryEntry entry, CancellationToken cancellationToken) =>
        RunAsync(t => Table.TryAdd(ref t.OrderHistory, Key(entry.Id), entry), cancellationToken);

    public Task<IReadOnlyList<OrderHistoryEntry>> SelectOrderHistoryAsync(string orderId, int limit, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<OrderHistoryEntry>>(t => Table.NewestFirst(t.OrderHistory.Values
            .Where(h => h.TenantId == TenantId && string.Equals(h.OrderId, orderId, StringComparison.Ordinal)), h => h.CreatedAt, h => h.Id, limit),
            cancellationToken);

    private IEnumerable<Order> TenantOrders(InMemoryTables t) => t.Orders.Values.Where(o => o.TenantId == TenantId);

    private static Order[] NewestOrdersFirst(IEnumerable<Order> orders) => Table.NewestFirst(orders, o => o.CreatedAt, o => o.Id);

    /// <summary>A literal, case-insensitive substring of id, purchase id, resource id, customer or customer e-mail.</summary>
    private static bool OrderMatches(Order o, string needle)
    {
        return Has(o.Id) || Has(o.PurchaseId) || Has(o.ResourceId) || Has(o.Customer) || Has(o.CustomerEmail);
        bool Has(string? haystack) => haystack is not null && haystack.Contains(needle, StringComparison.OrdinalIgnoreCase);
    }
}
