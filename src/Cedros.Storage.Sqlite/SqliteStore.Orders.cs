using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Internal;
using Microsoft.Data.Sqlite;
using static Cedros.Storage.Sqlite.SqliteRow;

namespace Cedros.Storage.Sqlite;

internal sealed partial class SqliteStore : IOrderDriver
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

    /// <summary>DO NOTHING covers both keys: the primary key (tenant_id, id) and the unique (tenant_id, source, purchase_id).</summary>
    public Task<bool> InsertOrderAsync(Order o, CancellationToken cancellationToken) =>
        WriteAsync(s => s.Execute(Sql($"""
            INSERT INTO [[orders]] ({OrderColumns})
            VALUES (@tenant, @id, @source, @purchase_id, @resource_id, @user_id, @customer, @status, @items, @amount, @amount_asset,
                    @customer_email, @shipping, @metadata, @created_at, @updated_at, @status_updated_at)
            ON CONFLICT DO NOTHING
            """), Tenant, ("@id", o.Id), ("@source", o.Source), ("@purchase_id", o.PurchaseId), ("@resource_id", o.ResourceId),
            ("@user_id", o.UserId), ("@customer", o.Customer), ("@status", Text(o.Status)), ("@items", Json(o.Items)),
            ("@amount", o.Amount), ("@amount_asset", o.AmountAsset), ("@customer_email", o.CustomerEmail),
            ("@shipping", o.Shipping is null ? null : Json(o.Shipping)), ("@metadata", Json(o.Metadata)), ("@created_at", o.CreatedAt),
            ("@updated_at", o.UpdatedAt), ("@status_updated_at", o.StatusUpdatedAt)) == 1, cancellationToken);

    public Task<Order?> SelectOrderAsync(string orderId, CancellationToken cancellationToken) =>
        ReadAsync(s => s.One(Sql($"SELECT {OrderColumns} FROM [[orders]] WHERE tenant_id = @tenant AND id = @id"),
            ReadOrder, Tenant, ("@id", orderId)), cancellationToken);

    public Task<Order?> SelectOrderByPurchaseAsync(string source, string purchaseId, CancellationToken cancellationToken) =>
        ReadAsync(s => s.One(Sql($"""
            SELECT {OrderColumns} FROM [[orders]] WHERE tenant_id = @tenant AND source = @source AND purchase_id = @purchase
            """), ReadOrder, Tenant, ("@source", source), ("@purchase", purchaseId)), cancellationToken);

    public Task<IReadOnlyList<Order>> SelectOrdersAsync(int limit, int offset, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<Order>>(s => s.List(Sql($"""
            SELECT {OrderColumns} FROM [[orders]] WHERE tenant_id = @tenant
            ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset
            """), ReadOrder, Tenant, ("@limit", limit), ("@offset", offset)), cancellationToken);

    public Task<OrderPage> SelectOrdersFilteredAsync(OrderStatus? status, string? needle, DateTimeOffset? createdBefore,
        DateTimeOffset? createdAfter, int limit, int offset, CancellationToken cancellationToken)
    {
        var indexed = UsesSearchIndex(needle);
        (string, object?)[] args =
        [
            Tenant, ("@status", status is { } x ? Text(x) : null), ("@before", createdBefore), ("@after", createdAfter), ("@needle", needle),
            ("@phrase", indexed ? "\"" + needle!.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : null),
        ];
        // The search text is a parameter compared by a registered function (ordinal, case-insensitive substring), so
        // '%', '_', '\' and quotes in it are plain characters, never a pattern. With the trigram index the text is one
        // quoted FTS5 phrase (never query syntax) that only narrows the candidates; the function still decides.
        var where = $"""
            tenant_id = @tenant AND (@status IS NULL OR status = @status)
            AND (@before IS NULL OR created_at < @before) AND (@after IS NULL OR created_at >= @after)
            {(indexed ? "AND (tenant_id, id) IN (SELECT tenant_id, order_id FROM [[orders|%_search]] WHERE [[orders|%_search]] MATCH @phrase)" : "")}
            AND (@needle IS NULL OR cedros_contains(id, @needle) OR cedros_contains(purchase_id, @needle)
                 OR cedros_contains(resource_id, @needle) OR cedros_contains(customer, @needle)
                 OR cedros_contains(customer_email, @needle))
            """;
        return ReadAsync(s =>
        {
            var total = s.Long(Sql($"SELECT count(*) FROM [[orders]] WHERE {where}"), args);
            var items = s.List(Sql($"""
                SELECT {OrderColumns} FROM [[orders]] WHERE {where}
                ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset
                """), ReadOrder, [.. args, ("@limit", limit), ("@offset", offset)]);
            return new OrderPage(items, total);
        }, cancellationToken, snapshot: true);
    }

    /// <summary>The trigram index serves terms of three or more characters (a trigram's length), ASCII only: its case
    /// folding and .NET's ordinal ignore-case agree exactly on ASCII, so it never drops a match the exact rule keeps.</summary>
    private static bool UsesSearchIndex(string? needle) =>
        needle is { Length: >= 3 } && System.Text.Ascii.IsValid(needle);

    /// <summary>One conditional UPDATE whose WHERE holds the allowed source statuses (inside the write transaction, which
    /// holds the file's write lock); only when it changes nothing is the status read, in the same transaction.</summary>
    public Task<OrderStatusUpdate> UpdateOrderStatusIfInAsync(string orderId, IReadOnlyList<OrderStatus> allowedFrom, OrderStatus status,
        DateTimeOffset statusUpdatedAt, DateTimeOffset updatedAt, CancellationToken cancellationToken) =>
        WriteAsync(s =>
        {
            var updated = s.Execute(Sql("""
                UPDATE [[orders]] SET status = @status, status_updated_at = @status_at, updated_at = @updated_at
                WHERE tenant_id = @tenant AND id = @id AND status IN (SELECT value FROM json_each(@sources))
                """), Tenant, ("@id", orderId), ("@status", Text(status)), ("@status_at", statusUpdatedAt), ("@updated_at", updatedAt),
                ("@sources", Json(allowedFrom.Select(Text).ToArray())));
            return updated == 1 ? OrderStatusUpdate.Done : new OrderStatusUpdate(false, OrderStatusOf(s, orderId));
        }, cancellationToken);

    /// <summary>The write lock of the enclosing transaction (<c>BEGIN IMMEDIATE</c>) keeps the row as read.</summary>
    public Task<string?> SelectOrderStatusAsync(string orderId, bool lockRow, CancellationToken cancellationToken) =>
        ReadAsync(s => OrderStatusOf(s, orderId), cancellationToken);

    public Task SetOrderStatusAsync(string orderId, OrderStatus status, DateTimeOffset at, CancellationToken cancellationToken) =>
        WriteAsync(s => s.Execute(Sql("""
            UPDATE [[orders]] SET status = @status, status_updated_at = @at, updated_at = @at WHERE tenant_id = @tenant AND id = @id
            """), Tenant, ("@id", orderId), ("@status", Text(status)), ("@at", at)), cancellationToken);

    public Task<bool> InsertOrderHistoryAsync(OrderHistoryEntry e, CancellationToken cancellationToken) =>
        WriteAsync(s => s.Execute(Sql($"""
            INSERT INTO [[order_history]] ({HistoryColumns})
            VALUES (@tenant, @id, @order_id, @from_status, @to_status, @note, @actor, @created_at)
            ON CONFLICT DO NOTHING
            """), Tenant, ("@id", e.Id), ("@order_id", e.OrderId), ("@from_status", Text(e.FromStatus)), ("@to_status", Text(e.ToStatus)),
            ("@note", e.Note), ("@actor", e.Actor), ("@created_at", e.CreatedAt)) == 1, cancellationToken);

    public Task<IReadOnlyList<OrderHistoryEntry>> SelectOrderHistoryAsync(string orderId, int limit, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<OrderHistoryEntry>>(s => s.List(Sql($"""
            SELECT {HistoryColumns} FROM [[order_history]] WHERE tenant_id = @tenant AND order_id = @order
            ORDER BY created_at DESC, id DESC LIMIT @limit
            """), ReadHistory, Tenant, ("@order", orderId), ("@limit", limit)), cancellationToken);

    private string? OrderStatusOf(SqliteSession s, string orderId) =>
        s.One(Sql("SELECT status FROM [[orders]] WHERE tenant_id = @tenant AND id = @id"), r => r.Str(0), Tenant, ("@id", orderId));
}
