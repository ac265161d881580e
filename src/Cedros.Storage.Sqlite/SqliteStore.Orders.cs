using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Schema.Rows;
using static Cedros.Storage.Sqlite.SqliteRow;

namespace Cedros.Storage.Sqlite;

internal sealed partial class SqliteStore : IOrderDriver
{
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
                SELECT {OrderRow.Columns} FROM [[orders]] WHERE {where}
                ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset
                """), Codec.Rows.Order, [.. args, ("@limit", limit), ("@offset", offset)]);
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

    private string? OrderStatusOf(SqliteSession s, string orderId) =>
        s.One(Sql("SELECT status FROM [[orders]] WHERE tenant_id = @tenant AND id = @id"), r => r.Str(0), Tenant, ("@id", orderId));
}
