using Cedros.Storage.Internal;
using Cedros.Storage.Validation;

namespace Cedros.Storage.InMemory;

internal sealed partial class InMemoryStore
{
    public Task<bool> TryStoreOrderAsync(Order order, CancellationToken cancellationToken)
    {
        var prepared = Prepare.Order(TenantId, order, Now);
        return RunAsync(t =>
        {
            if (t.Orders.ContainsKey(Key(prepared.Id)) || FindOrderByPurchase(t, prepared.Source, prepared.PurchaseId) is not null)
                return false;
            t.Orders = t.Orders.Add(Key(prepared.Id), prepared);
            return true;
        }, cancellationToken);
    }

    public Task<Order?> GetOrderAsync(string orderId, CancellationToken cancellationToken)
    {
        Check.Id(orderId, "order id");
        return RunAsync(t => t.Orders.GetValueOrDefault(Key(orderId)), cancellationToken);
    }

    public Task<Order?> GetOrderByPurchaseAsync(string source, string purchaseId, CancellationToken cancellationToken)
    {
        Check.Required(source, "source");
        Check.Id(purchaseId, "purchase_id");
        return RunAsync(t => FindOrderByPurchase(t, source, purchaseId), cancellationToken);
    }

    public Task<IReadOnlyList<Order>> ListOrdersAsync(int limit, int offset, CancellationToken cancellationToken)
    {
        Check.Page(limit, offset);
        return RunAsync<IReadOnlyList<Order>>(t => NewestOrdersFirst(TenantOrders(t)).Skip(offset).Take(limit).ToList().AsReadOnly(),
            cancellationToken);
    }

    public Task<OrderPage> ListOrdersFilteredAsync(OrderStatus? status, string? search, DateTimeOffset? createdBefore,
        DateTimeOffset? createdAfter, int limit, int offset, CancellationToken cancellationToken)
    {
        var needle = PrepareArguments.OrderFilter(status, search, limit, offset);
        var before = StorageTime.Micro(createdBefore);
        var after = StorageTime.Micro(createdAfter);
        return RunAsync(t =>
        {
            var matches = NewestOrdersFirst(TenantOrders(t).Where(o =>
                (status is null || o.Status == status)
                && (before is null || o.CreatedAt < before)
                && (after is null || o.CreatedAt >= after)
                && (needle is null || OrderMatches(o, needle)))).ToList();
            return new OrderPage(matches.Skip(offset).Take(limit).ToList().AsReadOnly(), matches.Count);
        }, cancellationToken);
    }

    public Task UpdateOrderStatusAsync(string orderId, OrderStatus status, DateTimeOffset statusUpdatedAt, DateTimeOffset updatedAt,
        CancellationToken cancellationToken)
    {
        Check.Id(orderId, "order id");
        Check.Defined(status, "status");
        var statusAt = StorageTime.Micro(statusUpdatedAt);
        var updateAt = StorageTime.Micro(updatedAt);
        return RunAsync(t => { ApplyOrderStatus(t, orderId, status, statusAt, updateAt); }, cancellationToken);
    }

    public Task UpdateOrderStatusAsync(string orderId, OrderStatus expectedStatus, OrderStatus status, DateTimeOffset statusUpdatedAt,
        DateTimeOffset updatedAt, CancellationToken cancellationToken)
    {
        PrepareStatusChange.CompareAndSet(orderId, expectedStatus, status);
        var statusAt = StorageTime.Micro(statusUpdatedAt);
        var updateAt = StorageTime.Micro(updatedAt);
        return RunAsync(t => { ApplyExpectedStatus(t, orderId, expectedStatus, status, statusAt, updateAt); }, cancellationToken);
    }

    public Task<OrderHistoryEntry?> UpdateOrderStatusWithHistoryAsync(string orderId, OrderStatus expectedStatus, OrderStatus status,
        DateTimeOffset at, string? note, string? actor, CancellationToken cancellationToken)
    {
        PrepareStatusChange.CompareAndSet(orderId, expectedStatus, status);
        var when = PrepareStatusChange.WithHistory(orderId, status, at, note, actor, Now);
        var entryId = Ids.NewSortableId(Engine.Time);
        return RunAsync(t =>
        {
            if (!ApplyExpectedStatus(t, orderId, expectedStatus, status, when, when)) return null;
            var entry = PrepareStatusChange.Entry(TenantId, entryId, orderId, expectedStatus, status, when, note, actor);
            t.OrderHistory = t.OrderHistory.Add(Key(entry.Id), entry);
            return entry;
        }, cancellationToken);
    }

    /// <summary>Moves the order from <paramref name="expected"/> to <paramref name="status"/> (the rule was checked by
    /// <see cref="PrepareStatusChange.CompareAndSet"/>). Returns false for the no-op expected = status.</summary>
    private bool ApplyExpectedStatus(InMemoryTables t, string orderId, OrderStatus expected, OrderStatus status,
        DateTimeOffset statusUpdatedAt, DateTimeOffset updatedAt)
    {
        if (!t.Orders.TryGetValue(Key(orderId), out var order)) throw new StorageNotFoundException("order", orderId);
        if (order.Status != expected)
            throw PrepareStatusChange.NotInExpectedStatus(orderId, expected, EnumText<OrderStatus>.ToText(order.Status));
        if (expected == status) return false;
        t.Orders = t.Orders.SetItem(Key(orderId), order with { Status = status, StatusUpdatedAt = statusUpdatedAt, UpdatedAt = updatedAt });
        return true;
    }

    public Task AppendOrderHistoryAsync(OrderHistoryEntry entry, CancellationToken cancellationToken)
    {
        var prepared = Prepare.HistoryEntry(TenantId, entry, Now);
        return RunAsync(t =>
        {
            if (t.OrderHistory.ContainsKey(Key(prepared.Id)))
                throw Conflicts.AlreadyExists("order history entry", prepared.Id);
            t.OrderHistory = t.OrderHistory.Add(Key(prepared.Id), prepared);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<OrderHistoryEntry>> ListOrderHistoryAsync(string orderId, int limit, CancellationToken cancellationToken)
    {
        Check.Id(orderId, "order id");
        Check.Page(limit);
        return RunAsync<IReadOnlyList<OrderHistoryEntry>>(t => t.OrderHistory.Values
            .Where(h => h.TenantId == TenantId && string.Equals(h.OrderId, orderId, StringComparison.Ordinal))
            .OrderByDescending(h => h.CreatedAt)
            .ThenByDescending(h => h.Id, Utf8Order.Instance)
            .Take(limit)
            .ToList()
            .AsReadOnly(), cancellationToken);
    }

    public Task<OrderHistoryEntry?> UpdateOrderStatusWithHistoryAsync(string orderId, OrderStatus status, DateTimeOffset at,
        string? note, string? actor, CancellationToken cancellationToken)
    {
        var when = PrepareStatusChange.WithHistory(orderId, status, at, note, actor, Now);
        var entryId = Ids.NewSortableId(Engine.Time);
        return RunAsync(t =>
        {
            var from = ApplyOrderStatus(t, orderId, status, when, when);
            if (from is null) return null;
            var entry = PrepareStatusChange.Entry(TenantId, entryId, orderId, from.Value, status, when, note, actor);
            t.OrderHistory = t.OrderHistory.Add(Key(entry.Id), entry);
            return entry;
        }, cancellationToken);
    }

    /// <summary>Checks the transition rule and writes the new status in the same step. Returns the previous status,
    /// or null when the order already had <paramref name="status"/> (no-op).</summary>
    private OrderStatus? ApplyOrderStatus(InMemoryTables t, string orderId, OrderStatus status, DateTimeOffset statusUpdatedAt,
        DateTimeOffset updatedAt)
    {
        if (!t.Orders.TryGetValue(Key(orderId), out var order)) throw new StorageNotFoundException("order", orderId);
        if (order.Status == status) return null;
        if (!OrderStatus.CanTransition(order.Status, status))
            throw PrepareStatusChange.Forbidden(orderId, order.Status, status);
        t.Orders = t.Orders.SetItem(Key(orderId), order with { Status = status, StatusUpdatedAt = statusUpdatedAt, UpdatedAt = updatedAt });
        return order.Status;
    }

    private IEnumerable<Order> TenantOrders(InMemoryTables t) => t.Orders.Values.Where(o => o.TenantId == TenantId);

    private static IOrderedEnumerable<Order> NewestOrdersFirst(IEnumerable<Order> orders) =>
        orders.OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id, Utf8Order.Instance);

    private Order? FindOrderByPurchase(InMemoryTables t, string source, string purchaseId) =>
        TenantOrders(t).FirstOrDefault(o => string.Equals(o.Source, source, StringComparison.Ordinal)
            && string.Equals(o.PurchaseId, purchaseId, StringComparison.Ordinal));

    /// <summary>A literal, case-insensitive substring of id, purchase id, resource id, customer or customer e-mail.</summary>
    private static bool OrderMatches(Order o, string needle)
    {
        return Has(o.Id) || Has(o.PurchaseId) || Has(o.ResourceId) || Has(o.Customer) || Has(o.CustomerEmail);
        bool Has(string? haystack) => haystack is not null && haystack.Contains(needle, StringComparison.OrdinalIgnoreCase);
    }
}
