using Cedros.Storage.Internal;
using Cedros.Storage.Validation;
using Microsoft.Data.Sqlite;
using static Cedros.Storage.Sqlite.SqliteRow;

namespace Cedros.Storage.Sqlite;

internal sealed partial class SqliteStore
{
    private const string OrderColumns = "tenant_id, id, source, purchase_id, resource_id, user_id, customer, status, items, amount, " +
        "amount_asset, customer_email, shipping, metadata, created_at, updated_at, status_updated_at";

    private const string HistoryColumns = "tenant_id, id, order_id, from_status, to_status, note, actor, created_at";

    private static Order ReadOrder(SqliteDataReader r) => new()
    {
        TenantId = r.Str(0),
        Id = r.Str(1),
        Source = r.Str(2),
        PurchaseId = r.Str(3),
        ResourceId = r.Str(4),
        UserId = r.StrOrNull(5),
        Customer = r.StrOrNull(6),
        Status = r.Enum<OrderStatus>(7),
        Items = r.Json<OrderItem[]>(8, []),
        Amount = r.Long(9),
        AmountAsset = r.Str(10),
        CustomerEmail = r.StrOrNull(11),
        Shipping = StorageJson.OptionalMap(r.StrOrNull(12)),
        Metadata = r.Metadata(13),
        CreatedAt = r.Time(14),
        UpdatedAt = r.TimeOrNull(15),
        StatusUpdatedAt = r.TimeOrNull(16),
    };

    private static OrderHistoryEntry ReadHistory(SqliteDataReader r) => new()
    {
        TenantId = r.Str(0),
        Id = r.Str(1),
        OrderId = r.Str(2),
        FromStatus = r.Enum<OrderStatus>(3),
        ToStatus = r.Enum<OrderStatus>(4),
        Note = r.StrOrNull(5),
        Actor = r.StrOrNull(6),
        CreatedAt = r.Time(7),
    };

    public Task<bool> TryStoreOrderAsync(Order order, CancellationToken cancellationToken)
    {
        var o = Prepare.Order(TenantId, order, Now);
        // DO NOTHING covers both keys: the primary key (tenant_id, id) and the unique (tenant_id, source, purchase_id).
        return WriteAsync(s => s.Execute($"""
            INSERT INTO {Tables.Orders.Quoted} ({OrderColumns})
            VALUES (@tenant, @id, @source, @purchase_id, @resource_id, @user_id, @customer, @status, @items, @amount, @amount_asset,
                    @customer_email, @shipping, @metadata, @created_at, @updated_at, @status_updated_at)
            ON CONFLICT DO NOTHING
            """, Tenant, ("@id", o.Id), ("@source", o.Source), ("@purchase_id", o.PurchaseId), ("@resource_id", o.ResourceId),
            ("@user_id", o.UserId), ("@customer", o.Customer), ("@status", Text(o.Status)), ("@items", Json(o.Items)),
            ("@amount", o.Amount), ("@amount_asset", o.AmountAsset), ("@customer_email", o.CustomerEmail),
            ("@shipping", o.Shipping is null ? null : Json(o.Shipping)), ("@metadata", Json(o.Metadata)), ("@created_at", o.CreatedAt),
            ("@updated_at", o.UpdatedAt), ("@status_updated_at", o.StatusUpdatedAt)) == 1, cancellationToken);
    }

    public Task<Order?> GetOrderAsync(string orderId, CancellationToken cancellationToken)
    {
        Check.Id(orderId, "order id");
        return ReadAsync(s => s.One($"SELECT {OrderColumns} FROM {Tables.Orders.Quoted} WHERE tenant_id = @tenant AND id = @id",
            ReadOrder, Tenant, ("@id", orderId)), cancellationToken);
    }

    public Task<Order?> GetOrderByPurchaseAsync(string source, string purchaseId, CancellationToken cancellationToken)
    {
        Check.Required(source, "source");
        Check.Id(purchaseId, "purchase_id");
        return ReadAsync(s => s.One($"""
            SELECT {OrderColumns} FROM {Tables.Orders.Quoted} WHERE tenant_id = @tenant AND source = @source AND purchase_id = @purchase
            """, ReadOrder, Tenant, ("@source", source), ("@purchase", purchaseId)), cancellationToken);
    }

    public Task<IReadOnlyList<Order>> ListOrdersAsync(int limit, int offset, CancellationToken cancellationToken)
    {
        Check.Page(limit, offset);
        return ReadAsync<IReadOnlyList<Order>>(s => s.List($"""
            SELECT {OrderColumns} FROM {Tables.Orders.Quoted} WHERE tenant_id = @tenant
            ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset
            """, ReadOrder, Tenant, ("@limit", limit), ("@offset", offset)), cancellationToken);
    }

    public Task<OrderPage> ListOrdersFilteredAsync(OrderStatus? status, string? search, DateTimeOffset? createdBefore,
        DateTimeOffset? createdAfter, int limit, int offset, CancellationToken cancellationToken)
    {
        var needle = PrepareArguments.OrderFilter(status, search, limit, offset);
        (string, object?)[] args =
        [
            Tenant, ("@status", status is { } x ? Text(x) : null), ("@before", StorageTime.Micro(createdBefore)),
            ("@after", StorageTime.Micro(createdAfter)), ("@needle", needle),
        ];
        // The search text is a parameter compared by a registered function (ordinal, case-insensitive substring), so
        // '%', '_', '\' and quotes in it are plain characters, never a pattern.
        var where = """
            tenant_id = @tenant AND (@status IS NULL OR status = @status)
            AND (@before IS NULL OR created_at < @before) AND (@after IS NULL OR created_at >= @after)
            AND (@needle IS NULL OR cedros_contains(id, @needle) OR cedros_contains(purchase_id, @needle)
                 OR cedros_contains(resource_id, @needle) OR cedros_contains(customer, @needle)
                 OR cedros_contains(customer_email, @needle))
            """;
        return ReadAsync(s =>
        {
            var total = s.Long($"SELECT count(*) FROM {Tables.Orders.Quoted} WHERE {where}", args);
            var items = s.List($"""
                SELECT {OrderColumns} FROM {Tables.Orders.Quoted} WHERE {where}
                ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset
                """, ReadOrder, [.. args, ("@limit", limit), ("@offset", offset)]);
            return new OrderPage(items, total);
        }, cancellationToken, snapshot: true);
    }

    public Task UpdateOrderStatusAsync(string orderId, OrderStatus status, DateTimeOffset statusUpdatedAt, DateTimeOffset updatedAt,
        CancellationToken cancellationToken)
    {
        Check.Id(orderId, "order id");
        Check.Defined(status, "status");
        var statusAt = StorageTime.Micro(statusUpdatedAt);
        var updateAt = StorageTime.Micro(updatedAt);
        return WriteAsync(s => { ApplyOrderStatus(s, orderId, status, statusAt, updateAt); }, cancellationToken);
    }

    public Task UpdateOrderStatusAsync(string orderId, OrderStatus expectedStatus, OrderStatus status, DateTimeOffset statusUpdatedAt,
        DateTimeOffset updatedAt, CancellationToken cancellationToken)
    {
        PrepareStatusChange.CompareAndSet(orderId, expectedStatus, status);
        var statusAt = StorageTime.Micro(statusUpdatedAt);
        var updateAt = StorageTime.Micro(updatedAt);
        return WriteAsync(s => { ApplyExpectedStatus(s, orderId, expectedStatus, status, statusAt, updateAt); }, cancellationToken);
    }

    public Task<OrderHistoryEntry?> UpdateOrderStatusWithHistoryAsync(string orderId, OrderStatus expectedStatus, OrderStatus status,
        DateTimeOffset at, string? note, string? actor, CancellationToken cancellationToken)
    {
        PrepareStatusChange.CompareAndSet(orderId, expectedStatus, status);
        var when = PrepareStatusChange.WithHistory(orderId, status, at, note, actor, Now);
        var entryId = Ids.NewSortableId(Engine.Time);
        return WriteAsync(s =>
        {
            if (!ApplyExpectedStatus(s, orderId, expectedStatus, status, when, when)) return null;
            var entry = PrepareStatusChange.Entry(TenantId, entryId, orderId, expectedStatus, status, when, note, actor);
            if (InsertHistory(s, entry) == 0) throw Conflicts.AlreadyExists("order history entry", entry.Id);
            return entry;
        }, cancellationToken);
    }

    /// <summary>
    /// Compare-and-set: one conditional UPDATE on <c>status = expected</c> (inside the write transaction, which holds
    /// the file's write lock); when it changes nothing, the order is missing (NotFound) or in another status
    /// (Conflict). Returns false for the no-op expected = status.
    /// </summary>
    private bool ApplyExpectedStatus(SqliteSession s, string orderId, OrderStatus expected, OrderStatus status,
        DateTimeOffset statusUpdatedAt, DateTimeOffset updatedAt)
    {
        if (expected != status)
        {
            var updated = s.Execute($"""
                UPDATE {Tables.Orders.Quoted} SET status = @status, status_updated_at = @status_at, updated_at = @updated_at
                WHERE tenant_id = @tenant AND id = @id AND status = @expected
                """, Tenant, ("@id", orderId), ("@status", Text(status)), ("@status_at", statusUpdatedAt), ("@updated_at", updatedAt),
                ("@expected", Text(expected)));
            if (updated == 1) return true;
        }
        var current = s.One($"SELECT status FROM {Tables.Orders.Quoted} WHERE tenant_id = @tenant AND id = @id",
            r => r.Str(0), Tenant, ("@id", orderId)) ?? throw new StorageNotFoundException("order", orderId);
        if (current != Text(expected)) throw PrepareStatusChange.NotInExpectedStatus(orderId, expected, current);
        return false;
    }

    public Task AppendOrderHistoryAsync(OrderHistoryEntry entry, CancellationToken cancellationToken)
    {
        var e = Prepare.HistoryEntry(TenantId, entry, Now);
        return WriteAsync(s =>
        {
            if (InsertHistory(s, e) == 0) throw Conflicts.AlreadyExists("order history entry", e.Id);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<OrderHistoryEntry>> ListOrderHistoryAsync(string orderId, int limit, CancellationToken cancellationToken)
    {
        Check.Id(orderId, "order id");
        Check.Page(limit);
        return ReadAsync<IReadOnlyList<OrderHistoryEntry>>(s => s.List($"""
            SELECT {HistoryColumns} FROM {Tables.OrderHistory.Quoted} WHERE tenant_id = @tenant AND order_id = @order
            ORDER BY created_at DESC, id DESC LIMIT @limit
            """, ReadHistory, Tenant, ("@order", orderId), ("@limit", limit)), cancellationToken);
    }

    public Task<OrderHistoryEntry?> UpdateOrderStatusWithHistoryAsync(string orderId, OrderStatus status, DateTimeOffset at,
        string? note, string? actor, CancellationToken cancellationToken)
    {
        var when = PrepareStatusChange.WithHistory(orderId, status, at, note, actor, Now);
        var entryId = Ids.NewSortableId(Engine.Time);
        return WriteAsync(s =>
        {
            var from = ApplyOrderStatus(s, orderId, status, when, when);
            if (from is null) return null;
            var entry = PrepareStatusChange.Entry(TenantId, entryId, orderId, from.Value, status, when, note, actor);
            if (InsertHistory(s, entry) == 0) throw Conflicts.AlreadyExists("order history entry", entry.Id);
            return entry;
        }, cancellationToken);
    }

    private int InsertHistory(SqliteSession s, OrderHistoryEntry e) => s.Execute($"""
        INSERT INTO {Tables.OrderHistory.Quoted} ({HistoryColumns})
        VALUES (@tenant, @id, @order_id, @from_status, @to_status, @note, @actor, @created_at)
        ON CONFLICT DO NOTHING
        """, Tenant, ("@id", e.Id), ("@order_id", e.OrderId), ("@from_status", Text(e.FromStatus)), ("@to_status", Text(e.ToStatus)),
        ("@note", e.Note), ("@actor", e.Actor), ("@created_at", e.CreatedAt));

    /// <summary>
    /// Moves an order to <paramref name="status"/> in one conditional UPDATE whose WHERE holds the transition rule (the
    /// allowed source statuses), so two admins can never both pass a stale check. Returns the previous status, or null
    /// when it already had that status.
    /// </summary>
    private OrderStatus? ApplyOrderStatus(SqliteSession s, string orderId, OrderStatus status, DateTimeOffset statusUpdatedAt,
        DateTimeOffset updatedAt)
    {
        var current = s.One($"SELECT status FROM {Tables.Orders.Quoted} WHERE tenant_id = @tenant AND id = @id",
            r => (OrderStatus?)r.Enum<OrderStatus>(0), Tenant, ("@id", orderId))
            ?? throw new StorageNotFoundException("order", orderId);
        if (current == status) return null;
        var sources = Json(OrderStatus.AllowedSources(status).Select(Text).ToArray());
        var updated = s.Execute($"""
            UPDATE {Tables.Orders.Quoted} SET status = @status, status_updated_at = @status_at, updated_at = @updated_at
            WHERE tenant_id = @tenant AND id = @id AND status IN (SELECT value FROM json_each(@sources))
            """, Tenant, ("@id", orderId), ("@status", Text(status)), ("@status_at", statusUpdatedAt), ("@updated_at", updatedAt),
            ("@sources", sources));
        if (updated == 0)
            throw PrepareStatusChange.Forbidden(orderId, current, status);
        return current;
    }
}
