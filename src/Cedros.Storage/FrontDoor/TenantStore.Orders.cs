using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Internal;
using Cedros.Storage.Validation;

namespace Cedros.Storage.FrontDoor;

internal sealed partial class TenantStore
{
    public Task<bool> TryStoreOrderAsync(Order order, CancellationToken cancellationToken = default) =>
        Call("TryStoreOrder", "orders", ct => Driver.InsertOrderAsync(Prepare.Order(TenantId, order, Now), ct), cancellationToken);

    public Task<Order?> GetOrderAsync(string orderId, CancellationToken cancellationToken = default) =>
        Call("GetOrder", "orders", ct =>
        {
            Check.Id(orderId, "order id");
            return Driver.SelectOrderAsync(orderId, ct);
        }, cancellationToken);

    public Task<Order?> GetOrderByPurchaseAsync(string source, string purchaseId, CancellationToken cancellationToken = default) =>
        Call("GetOrderByPurchase", "orders", ct =>
        {
            Check.Required(source, "source");
            Check.Id(purchaseId, "purchase_id");
            return Driver.SelectOrderByPurchaseAsync(source, purchaseId, ct);
        }, cancellationToken);

    public Task<IReadOnlyList<Order>> ListOrdersAsync(int limit, int offset, CancellationToken cancellationToken = default) =>
        Call("ListOrders", "orders", ct =>
        {
            Check.Page(limit, offset);
            return Driver.SelectOrdersAsync(limit, offset, ct);
        }, cancellationToken);

    public Task<OrderPage> ListOrdersFilteredAsync(OrderStatus? status, string? search, DateTimeOffset? createdBefore, DateTimeOffset? createdAfter, int limit, int offset, CancellationToken cancellationToken = default) =>
        Call("ListOrdersFiltered", "orders", ct =>
        {
            var needle = PrepareArguments.OrderFilter(status, search, limit, offset);
            return Driver.SelectOrdersFilteredAsync(status, needle, StorageTime.Micro(createdBefore), StorageTime.Micro(createdAfter),
                limit, offset, ct);
        }, cancellationToken);

    public Task UpdateOrderStatusAsync(string orderId, OrderStatus status, DateTimeOffset statusUpdatedAt, DateTimeOffset updatedAt, CancellationToken cancellationToken = default) =>
        Call("UpdateOrderStatus", "orders", async ct =>
        {
            Check.Id(orderId, "order id");
            Check.Defined(status, "status");
            // The transition rule is part of the driver's one conditional step, so two admins never both pass a stale check.
            var outcome = await Driver.UpdateOrderStatusIfInAsync(orderId, OrderStatus.AllowedSources(status), status,
                StorageTime.Micro(statusUpdatedAt), StorageTime.Micro(updatedAt), ct).ConfigureAwait(false);
            if (outcome.Updated) return;
            if (outcome.Current is not { } current) throw new StorageNotFoundException("order", orderId);
            if (current == EnumText<OrderStatus>.ToText(status)) return; // already there: a no-op
            throw PrepareStatusChange.Forbidden(orderId, current, status);
        }, cancellationToken);

    public Task UpdateOrderStatusAsync(string orderId, OrderStatus expectedStatus, OrderStatus status, DateTimeOffset statusUpdatedAt, DateTimeOffset updatedAt, CancellationToken cancellationToken = default) =>
        Call("UpdateOrderStatus", "orders", async ct =>
        {
            PrepareStatusChange.CompareAndSet(orderId, expectedStatus, status);
            if (expectedStatus == status)
            {
                await ExpectOrderStatusAsync(Driver, orderId, expectedStatus, lockRow: false, ct).ConfigureAwait(false);
                return;
            }
            var outcome = await Driver.UpdateOrderStatusIfInAsync(orderId, [expectedStatus], status, StorageTime.Micro(statusUpdatedAt),
                StorageTime.Micro(updatedAt), ct).ConfigureAwait(false);
            if (outcome.Updated) return;
            throw outcome.Current is { } current
                ? PrepareStatusChange.NotInExpectedStatus(orderId, expectedStatus, current)
                : new StorageNotFoundException("order", orderId);
        }, cancellationToken);

    public Task AppendOrderHistoryAsync(OrderHistoryEntry entry, CancellationToken cancellationToken = default) =>
        Call("AppendOrderHistory", "order_history", async ct =>
        {
            var prepared = Prepare.HistoryEntry(TenantId, entry, Now);
            if (!await Driver.InsertOrderHistoryAsync(prepared, ct).ConfigureAwait(false))
                throw Conflicts.AlreadyExists("order history entry", prepared.Id);
        }, cancellationToken);

    public Task<IReadOnlyList<OrderHistoryEntry>> ListOrderHistoryAsync(string orderId, int limit, CancellationToken cancellationToken = default) =>
        Call("ListOrderHistory", "order_history", ct =>
        {
            Check.Id(orderId, "order id");
            Check.Page(limit);
            return Driver.SelectOrderHistoryAsync(orderId, limit, ct);
        }, cancellationToken);

    public Task<OrderHistoryEntry?> UpdateOrderStatusWithHistoryAsync(string orderId, OrderStatus status, DateTimeOffset at, string? note = null, string? actor = null, CancellationToken cancellationToken = default) =>
        Call("UpdateOrderStatusWithHistory", "orders", ct =>
        {
            var when = PrepareStatusChange.WithHistory(orderId, status, at, note, actor, Now);
            var entryId = NewHistoryId();
            // One transaction: the order row is locked while the rule is judged, the status written and the entry added.
            return Driver.TransactAsync<OrderHistoryEntry?>(async (d, innerCt) =>
            {
                var current = await d.SelectOrderStatusAsync(orderId, lockRow: true, innerCt).ConfigureAwait(false)
                    ?? throw new StorageNotFoundException("order", orderId);
                var from = EnumText<OrderStatus>.Parse(current);
                if (from == status) return null;
                if (!OrderStatus.CanTransition(from, status)) throw PrepareStatusChange.Forbidden(orderId, current, status);
                return await WriteStatusWithHistoryAsync(d, PrepareStatusChange.Entry(TenantId, entryId, orderId, from, status, when, note, actor),
                    innerCt).ConfigureAwait(false);
            }, ct);
        }, cancellationToken);

    public Task<OrderHistoryEntry?> UpdateOrderStatusWithHistoryAsync(string orderId, OrderStatus expectedStatus, OrderStatus status, DateTimeOffset at, string? note = null, string? actor = null, CancellationToken cancellationToken = default) =>
        Call("UpdateOrderStatusWithHistory", "orders", ct =>
        {
            PrepareStatusChange.CompareAndSet(orderId, expectedStatus, status);
            var when = PrepareStatusChange.WithHistory(orderId, status, at, note, actor, Now);
            var entryId = NewHistoryId();
            return Driver.TransactAsync<OrderHistoryEntry?>(async (d, innerCt) =>
            {
                await ExpectOrderStatusAsync(d, orderId, expectedStatus, lockRow: true, innerCt).ConfigureAwait(false);
                if (expectedStatus == status) return null;
                return await WriteStatusWithHistoryAsync(d,
                    PrepareStatusChange.Entry(TenantId, entryId, orderId, expectedStatus, status, when, note, actor), innerCt).ConfigureAwait(false);
            }, ct);
        }, cancellationToken);

    /// <summary>NotFound when the order is missing, Conflict when it is not in <paramref name="expected"/>.</summary>
    private static async Task ExpectOrderStatusAsync(IStoreDriver driver, string orderId, OrderStatus expected, bool lockRow,
        CancellationToken cancellationToken)
    {
        var current = await driver.SelectOrderStatusAsync(orderId, lockRow, cancellationToken).ConfigureAwait(false)
            ?? throw new StorageNotFoundException("order", orderId);
        if (current != EnumText<OrderStatus>.ToText(expected)) throw PrepareStatusChange.NotInExpectedStatus(orderId, expected, current);
    }

    /// <summary>Writes the entry's status on its order and records the entry (inside the caller's transaction).</summary>
    private static async Task<OrderHistoryEntry?> WriteStatusWithHistoryAsync(IStoreDriver driver, OrderHistoryEntry entry,
        CancellationToken cancellationToken)
    {
        await driver.SetOrderStatusAsync(entry.OrderId, entry.ToStatus, entry.CreatedAt, cancellationToken).ConfigureAwait(false);
        if (!await driver.InsertOrderHistoryAsync(entry, cancellationToken).ConfigureAwait(false))
            throw Conflicts.AlreadyExists("order history entry", entry.Id);
        return entry;
    }

    /// <summary>A new time-sortable history entry id (a version 7 UUID from the storage clock).</summary>
    private string NewHistoryId() => Guid.CreateVersion7(Now).ToString();
}
