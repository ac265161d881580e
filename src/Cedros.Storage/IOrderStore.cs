namespace Cedros.Storage;

/// <summary>Orders and their status history (contract §3).</summary>
public interface IOrderStore
{
    /// <summary>Inserts unless the id or (tenant, source, purchase id) exists; exactly one concurrent caller gets true.</summary>
    Task<bool> TryStoreOrderAsync(Order order, CancellationToken cancellationToken = default);

    /// <summary>The order, or null.</summary>
    Task<Order?> GetOrderAsync(string orderId, CancellationToken cancellationToken = default);

    /// <summary>The order for a source's purchase, or null.</summary>
    Task<Order?> GetOrderByPurchaseAsync(string source, string purchaseId, CancellationToken cancellationToken = default);

    /// <summary>Newest first (created_at desc, id desc).</summary>
    Task<IReadOnlyList<Order>> ListOrdersAsync(int limit, int offset, CancellationToken cancellationToken = default);

    /// <summary>
    /// Filtered page and total. <paramref name="search"/> is a literal, case-insensitive substring of id, purchase id,
    /// resource id, customer or customer e-mail; createdAfter inclusive, createdBefore exclusive.
    /// </summary>
    Task<OrderPage> ListOrdersFilteredAsync(OrderStatus? status, string? search, DateTimeOffset? createdBefore,
        DateTimeOffset? createdAfter, int limit, int offset, CancellationToken cancellationToken = default);

    /// <summary>Sets the status if the transition rule allows it, in one atomic step. Missing → NotFound;
    /// forbidden → Validation; same status → no-op.</summary>
    Task UpdateOrderStatusAsync(string orderId, OrderStatus status, DateTimeOffset statusUpdatedAt, DateTimeOffset updatedAt,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Compare-and-set (beyond the seed): sets <paramref name="status"/> only while the order is still in
    /// <paramref name="expectedStatus"/>, in one atomic conditional write, so two admins can never both move an order
    /// from the same status. Missing → NotFound; in any other status → Conflict (nothing written); a move from
    /// <paramref name="expectedStatus"/> to <paramref name="status"/> the rule forbids → Validation; expected equal to
    /// <paramref name="status"/> → no-op when the order is in it.
    /// </summary>
    Task UpdateOrderStatusAsync(string orderId, OrderStatus expectedStatus, OrderStatus status, DateTimeOffset statusUpdatedAt,
        DateTimeOffset updatedAt, CancellationToken cancellationToken = default);

    /// <summary>Appends a history entry.</summary>
    Task AppendOrderHistoryAsync(OrderHistoryEntry entry, CancellationToken cancellationToken = default);

    /// <summary>History, newest first.</summary>
    Task<IReadOnlyList<OrderHistoryEntry>> ListOrderHistoryAsync(string orderId, int limit, CancellationToken cancellationToken = default);

    /// <summary>Status change and its history entry in one transaction. Returns the entry written, or null when the
    /// status was already <paramref name="status"/> (no-op, no entry).</summary>
    Task<OrderHistoryEntry?> UpdateOrderStatusWithHistoryAsync(string orderId, OrderStatus status, DateTimeOffset at,
        string? note = null, string? actor = null, CancellationToken cancellationToken = default);

    /// <summary>Compare-and-set form of <see cref="UpdateOrderStatusWithHistoryAsync(string, OrderStatus, DateTimeOffset, string?, string?, CancellationToken)"/>:
    /// applies (and writes the entry) only while the order is still in <paramref name="expectedStatus"/>, else Conflict;
    /// errors as <see cref="UpdateOrderStatusAsync(string, OrderStatus, OrderStatus, DateTimeOffset, DateTimeOffset, CancellationToken)"/>.
    /// Returns null (no entry) when <paramref name="expectedStatus"/> equals <paramref name="status"/>.</summary>
    Task<OrderHistoryEntry?> UpdateOrderStatusWithHistoryAsync(string orderId, OrderStatus expectedStatus, OrderStatus status,
        DateTimeOffset at, string? note = null, string? actor = null, CancellationToken cancellationToken = default);
}
