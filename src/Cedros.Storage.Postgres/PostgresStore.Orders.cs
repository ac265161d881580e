using System.Text;
using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Schema.Rows;
using Cedros.Storage.Sql;

namespace Cedros.Storage.Postgres;

internal sealed partial class PostgresStore : IOrderDriver
{
    public Task<OrderPage> SelectOrdersFilteredAsync(OrderStatus? status, string? needle, DateTimeOffset? createdBefore,
        DateTimeOffset? createdAfter, int limit, int offset, CancellationToken cancellationToken)
    {
        // Fixed fragments only; every value is a parameter. The pattern escapes %, _ and \ so the search is literal;
        // ILIKE over the five columns is served by the pg_trgm GIN index.
        var where = new StringBuilder("tenant_id = @t");
        if (status is not null) where.Append(" AND status = @status");
        if (createdBefore is not null) where.Append(" AND created_at < @before");
        if (createdAfter is not null) where.Append(" AND created_at >= @after");
        if (needle is not null)
            where.Append(" AND (id ILIKE @pattern OR purchase_id ILIKE @pattern OR resource_id ILIKE @pattern OR customer ILIKE @pattern OR customer_email ILIKE @pattern)");
        (string, object?)[] args =
        [
            ("t", TenantId), ("status", status is { } st ? SqlCodec.Text(st) : null), ("before", createdBefore), ("after", createdAfter),
            ("pattern", needle is null ? null : "%" + EscapeLike(needle) + "%"), ("limit", limit), ("offset", offset),
        ];
        var countSql = $"SELECT count(*) FROM [[orders]] WHERE {where}";
        var pageSql = $"SELECT {OrderRow.Columns} FROM [[orders]] WHERE {where} ORDER BY created_at DESC, id COLLATE \"C\" DESC LIMIT @limit OFFSET @offset";
        return RunAsync(async c =>
        {
            await using var batch = c.Batch(c.BatchCommand(countSql, Used(countSql, args)), c.BatchCommand(pageSql, Used(pageSql, args)));
            await using var reader = await batch.ExecuteReaderAsync(c.Ct).ConfigureAwait(false);
            await reader.ReadAsync(c.Ct).ConfigureAwait(false);
            var total = reader.GetInt64(0);
            await reader.NextResultAsync(c.Ct).ConfigureAwait(false);
            var items = new List<Order>();
            while (await reader.ReadAsync(c.Ct).ConfigureAwait(false)) items.Add(OrderRow.Read(reader, Codec));
            return new OrderPage(items.AsReadOnly(), total);
        }, cancellationToken);
    }

    /// <summary>
    /// One conditional UPDATE (READ COMMITTED re-checks the WHERE on the newest row version, so two admins can never both
    /// apply from a stale status), returning the status from the statement's snapshot. When that snapshot still shows
    /// an allowed status, a concurrent call changed it first: the status is read again as it is now.
    /// </summary>
    public Task<OrderStatusUpdate> UpdateOrderStatusIfInAsync(string orderId, IReadOnlyList<OrderStatus> allowedFrom, OrderStatus status,
        DateTimeOffset statusUpdatedAt, DateTimeOffset updatedAt, CancellationToken cancellationToken)
    {
        var allowed = allowedFrom.Select(SqlCodec.Text).ToArray();
        return RunAsync(async c =>
        {
            var (updated, current) = await c.RowAsync("""
                WITH u AS (
                    UPDATE [[orders]] SET status = @status, status_updated_at = @status_at, updated_at = @updated_at
                     WHERE tenant_id = @t AND id = @id AND status = ANY(@allowed)
                    RETURNING 1)
                SELECT EXISTS (SELECT 1 FROM u), (SELECT status FROM [[orders]] WHERE tenant_id = @t AND id = @id)
                """, r => (r.GetBoolean(0), SqlCodec.OptStr(r, 1)),
                ("t", TenantId), ("id", orderId), ("status", SqlCodec.Text(status)), ("status_at", statusUpdatedAt),
                ("updated_at", updatedAt), ("allowed", allowed)).ConfigureAwait(false);
            if (updated) return OrderStatusUpdate.Done;
            if (current is not null && allowed.Contains(current, StringComparer.Ordinal))
                current = await StatusOfAsync(c, orderId, lockRow: false).ConfigureAwait(false);
            return new OrderStatusUpdate(false, current);
        }, cancellationToken);
    }

    /// <summary>With <paramref name="lockRow"/>, <c>FOR UPDATE</c> holds the status until the transaction commits.</summary>
    public Task<string?> SelectOrderStatusAsync(string orderId, bool lockRow, CancellationToken cancellationToken) =>
        RunAsync(c => StatusOfAsync(c, orderId, lockRow), cancellationToken);

    private Task<string?> StatusOfAsync(PgConn c, string orderId, bool lockRow) =>
        c.OneAsync($"SELECT status FROM [[orders]] WHERE tenant_id = @t AND id = @id{(lockRow ? " FOR UPDATE" : "")}",
            r => SqlCodec.Str(r, 0), ("t", TenantId), ("id", orderId));

    /// <summary>Escapes LIKE wildcards so the text matches literally (backslash is the default escape).</summary>
    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    /// <summary>Only the parameters the SQL mentions: an unused NULL parameter has no type PostgreSQL could infer.</summary>
    private static (string, object?)[] Used(string sql, (string Name, object? Value)[] args) =>
        args.Where(a => sql.Contains("@" + a.Name, StringComparison.Ordinal)).ToArray();
}
