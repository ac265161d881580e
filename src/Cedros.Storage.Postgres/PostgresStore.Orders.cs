using System.Text;
using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Internal;
using Npgsql;

namespace Cedros.Storage.Postgres;

internal sealed partial class PostgresStore : IOrderDriver
{
    private const string OrderColumns = "id, tenant_id, source, purchase_id, resource_id, user_id, customer, status, items, amount, amount_asset, " +
        "customer_email, shipping, metadata, created_at, updated_at, status_updated_at";

    private const string HistoryColumns = "id, tenant_id, order_id, from_status, to_status, note, actor, created_at";

    private static Order ReadOrder(NpgsqlDataReader r) => new()
    {
        Id = r.GetString(0),
        TenantId = r.GetString(1),
        Source = PgRow.Str(r, 2),
        PurchaseId = PgRow.Str(r, 3),
        ResourceId = PgRow.Str(r, 4),
        UserId = PgRow.OptStr(r, 5),
        Customer = PgRow.OptStr(r, 6),
        Status = PgRow.Enum(r, 7, OrderStatus.Created),
        Items = StorageJson.Deserialize<List<OrderItem>?>(PgRow.OptStr(r, 8), null)?.AsReadOnly() ?? (IReadOnlyList<OrderItem>)[],
        Amount = PgRow.Long(r, 9),
        AmountAsset = PgRow.Str(r, 10),
        CustomerEmail = PgRow.OptStr(r, 11),
        Shipping = StorageJson.OptionalMap(PgRow.OptStr(r, 12)),
        Metadata = PgRow.Meta(r, 13),
        CreatedAt = PgRow.Time(r, 14),
        UpdatedAt = PgRow.OptTime(r, 15),
        StatusUpdatedAt = PgRow.OptTime(r, 16),
    };

    private static OrderHistoryEntry ReadHistory(NpgsqlDataReader r) => new()
    {
        Id = r.GetString(0),
        TenantId = r.GetString(1),
        OrderId = r.GetString(2),
        FromStatus = PgRow.Enum(r, 3, OrderStatus.Created),
        ToStatus = PgRow.Enum(r, 4, OrderStatus.Created),
        Note = PgRow.OptStr(r, 5),
        Actor = PgRow.OptStr(r, 6),
        CreatedAt = PgRow.Time(r, 7),
    };

    public Task<bool> InsertOrderAsync(Order o, CancellationToken cancellationToken) =>
        RunAsync(async c => await c.ExecuteAsync("""
            INSERT INTO [[orders]] (id, tenant_id, source, purchase_id, resource_id, user_id, customer, status, items, amount,
                amount_asset, customer_email, shipping, metadata, created_at, updated_at, status_updated_at)
            VALUES (@id, @t, @source, @purchase, @resource, @user, @customer, @status, @items, @amount, @asset, @email, @shipping,
                @meta, @created, @updated, @status_updated)
            ON CONFLICT DO NOTHING
            """,
            ("id", o.Id), ("t", TenantId), ("source", o.Source), ("purchase", o.PurchaseId), ("resource", o.ResourceId),
            ("user", o.UserId), ("customer", o.Customer), ("status", PgRow.Text(o.Status)), ("items", PgRow.Json(o.Items)),
            ("amount", o.Amount), ("asset", o.AmountAsset), ("email", o.CustomerEmail), ("shipping", PgRow.Json(o.Shipping)),
            ("meta", PgRow.Json(o.Metadata)), ("created", o.CreatedAt), ("updated", o.UpdatedAt), ("status_updated", o.StatusUpdatedAt))
            .ConfigureAwait(false) == 1, cancellationToken);

    public Task<Order?> SelectOrderAsync(string orderId, CancellationToken cancellationToken) =>
        RunAsync(c => c.OneAsync($"SELECT {OrderColumns} FROM [[orders]] WHERE tenant_id = @t AND id = @id",
            ReadOrder, ("t", TenantId), ("id", orderId)), cancellationToken);

    public Task<Order?> SelectOrderByPurchaseAsync(string source, string purchaseId, CancellationToken cancellationToken) =>
        RunAsync(c => c.OneAsync($"SELECT {OrderColumns} FROM [[orders]] WHERE tenant_id = @t AND source = @s AND purchase_id = @p",
            ReadOrder, ("t", TenantId), ("s", source), ("p", purchaseId)), cancellationToken);

    public Task<IReadOnlyList<Order>> SelectOrdersAsync(int limit, int offset, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<Order>>(async c => await c.ListAsync($"""
            SELECT {OrderColumns} FROM [[orders]] WHERE tenant_id = @t
             ORDER BY created_at DESC, id COLLATE "C" DESC LIMIT @limit OFFSET @offset
            """, ReadOrder, ("t", TenantId), ("limit", limit), ("offset", offset)).ConfigureAwait(false), cancellationToken);

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
            ("t", TenantId), ("status", status is { } st ? PgRow.Text(st) : null), ("before", createdBefore), ("after", createdAfter),
            ("pattern", needle is null ? null : "%" + EscapeLike(needle) + "%"), ("limit", limit), ("offset", offset),
        ];
        var countSql = $"SELECT count(*) FROM [[orders]] WHERE {where}";
        var pageSql = $"SELECT {OrderColumns} FROM [[orders]] WHERE {where} ORDER BY created_at DESC, id COLLATE \"C\" DESC LIMIT @limit OFFSET @offset";
        return RunAsync(async c =>
        {
            await using var batch = c.Batch(c.BatchCommand(countSql, Used(countSql, args)), c.BatchCommand(pageSql, Used(pageSql, args)));
            await using var reader = await batch.ExecuteReaderAsync(c.Ct).ConfigureAwait(false);
            await reader.ReadAsync(c.Ct).ConfigureAwait(false);
            var total = reader.GetInt64(0);
            await reader.NextResultAsync(c.Ct).ConfigureAwait(false);
            var items = new List<Order>();
            while (await reader.ReadAsync(c.Ct).ConfigureAwait(false)) items.Add(ReadOrder(reader));
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
        var allowed = allowedFrom.Select(PgRow.Text).ToArray();
        return RunAsync(async c =>
        {
            var (updated, current) = await c.RowAsync("""
                WITH u AS (
                    UPDATE [[orders]] SET status = @status, status_updated_at = @status_at, updated_at = @updated_at
                     WHERE tenant_id = @t AND id = @id AND status = ANY(@allowed)
                    RETURNING 1)
                SELECT EXISTS (SELECT 1 FROM u), (SELECT status FROM [[orders]] WHERE tenant_id = @t AND id = @id)
                """, r => (r.GetBoolean(0), PgRow.OptStr(r, 1)),
                ("t", TenantId), ("id", orderId), ("status", PgRow.Text(status)), ("status_at", statusUpdatedAt),
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

    public Task SetOrderStatusAsync(string orderId, OrderStatus status, DateTimeOffset at, CancellationToken cancellationToken) =>
        RunAsync(c => c.ExecuteAsync("UPDATE [[orders]] SET status = @s, status_updated_at = @at, updated_at = @at WHERE tenant_id = @t AND id = @id",
            ("t", TenantId), ("id", orderId), ("s", PgRow.Text(status)), ("at", at)), cancellationToken);

    public Task<bool> InsertOrderHistoryAsync(OrderHistoryEntry h, CancellationToken cancellationToken) =>
        RunAsync(async c => await c.ExecuteAsync("""
            INSERT INTO [[order_history]] (id, tenant_id, order_id, from_status, to_status, note, actor, created_at)
            VALUES (@id, @t, @o, @from, @to, @note, @actor, @at)
            ON CONFLICT DO NOTHING
            """, ("id", h.Id), ("t", TenantId), ("o", h.OrderId), ("from", PgRow.Text(h.FromStatus)), ("to", PgRow.Text(h.ToStatus)),
            ("note", h.Note), ("actor", h.Actor), ("at", h.CreatedAt)).ConfigureAwait(false) == 1, cancellationToken);

    public Task<IReadOnlyList<OrderHistoryEntry>> SelectOrderHistoryAsync(string orderId, int limit, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<OrderHistoryEntry>>(async c => await c.ListAsync($"""
            SELECT {HistoryColumns} FROM [[order_history]] WHERE tenant_id = @t AND order_id = @o
             ORDER BY created_at DESC, id COLLATE "C" DESC LIMIT @limit
            """, ReadHistory, ("t", TenantId), ("o", orderId), ("limit", limit)).ConfigureAwait(false), cancellationToken);

    private Task<string?> StatusOfAsync(PgConn c, string orderId, bool lockRow) =>
        c.OneAsync($"SELECT status FROM [[orders]] WHERE tenant_id = @t AND id = @id{(lockRow ? " FOR UPDATE" : "")}",
            r => PgRow.Str(r, 0), ("t", TenantId), ("id", orderId));

    /// <summary>Escapes LIKE wildcards so the text matches literally (backslash is the default escape).</summary>
    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    /// <summary>Only the parameters the SQL mentions: an unused NULL parameter has no type PostgreSQL could infer.</summary>
    private static (string, object?)[] Used(string sql, (string Name, object? Value)[] args) =>
        args.Where(a => sql.Contains("@" + a.Name, StringComparison.Ordinal)).ToArray();
}
