using System.Text;
using Cedros.Storage.Internal;
using Cedros.Storage.Validation;
using Npgsql;

namespace Cedros.Storage.Postgres;

internal sealed partial class PostgresStore
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

    public Task<bool> TryStoreOrderAsync(Order order, CancellationToken cancellationToken)
    {
        var o = Prepare.Order(TenantId, order, Now);
        return RunAsync(async c => await c.ExecuteAsync("""
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
    }

    public Task<Order?> GetOrderAsync(string orderId, CancellationToken cancellationToken)
    {
        Check.Id(orderId, "order id");
        return RunAsync(c => c.OneAsync($"SELECT {OrderColumns} FROM [[orders]] WHERE tenant_id = @t AND id = @id",
            ReadOrder, ("t", TenantId), ("id", orderId)), cancellationToken);
    }

    public Task<Order?> GetOrderByPurchaseAsync(string source, string purchaseId, CancellationToken cancellationToken)
    {
        Check.Required(source, "source");
        Check.Id(purchaseId, "purchase_id");
        return RunAsync(c => c.OneAsync($"SELECT {OrderColumns} FROM [[orders]] WHERE tenant_id = @t AND source = @s AND purchase_id = @p",
            ReadOrder, ("t", TenantId), ("s", source), ("p", purchaseId)), cancellationToken);
    }

    public Task<IReadOnlyList<Order>> ListOrdersAsync(int limit, int offset, CancellationToken cancellationToken)
    {
        Check.Page(limit, offset);
        return RunAsync<IReadOnlyList<Order>>(async c => await c.ListAsync($"""
            SELECT {OrderColumns} FROM [[orders]] WHERE tenant_id = @t
             ORDER BY created_at DESC, id COLLATE "C" DESC LIMIT @limit OFFSET @offset
            """, ReadOrder, ("t", TenantId), ("limit", limit), ("offset", offset)).ConfigureAwait(false), cancellationToken);
    }

    public Task<OrderPage> ListOrdersFilteredAsync(OrderStatus? status, string? search, DateTimeOffset? createdBefore,
        DateTimeOffset? createdAfter, int limit, int offset, CancellationToken cancellationToken)
    {
        var needle = PrepareArguments.OrderFilter(status, search, limit, offset);
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
            ("t", TenantId), ("status", status is { } st ? PgRow.Text(st) : null), ("before", StorageTime.Micro(createdBefore)),
            ("after", StorageTime.Micro(createdAfter)), ("pattern", needle is null ? null : "%" + EscapeLike(needle) + "%"),
            ("limit", limit), ("offset", offset),
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

    public Task UpdateOrderStatusAsync(string orderId, OrderStatus status, DateTimeOffset statusUpdatedAt, DateTimeOffset updatedAt,
        CancellationToken cancellationToken)
    {
        Check.Id(orderId, "order id");
        Check.Defined(status, "status");
        var allowed = OrderStatus.AllowedSources(status).Select(PgRow.Text).ToArray();
        return RunAsync(async c =>
        {
            // The transition rule is part of the UPDATE's WHERE: two admins can never both move from a stale status.
            var (updated, current) = await c.RowAsync("""
                WITH u AS (
                    UPDATE [[orders]] SET status = @status, status_updated_at = @status_at, updated_at = @updated_at
                     WHERE tenant_id = @t AND id = @id AND status = ANY(@allowed)
                    RETURNING 1)
                SELECT EXISTS (SELECT 1 FROM u), (SELECT status FROM [[orders]] WHERE tenant_id = @t AND id = @id)
                """, r => (r.GetBoolean(0), PgRow.OptStr(r, 1)),
                ("t", TenantId), ("id", orderId), ("status", PgRow.Text(status)), ("status_at", StorageTime.Micro(statusUpdatedAt)),
                ("updated_at", StorageTime.Micro(updatedAt)), ("allowed", allowed)).ConfigureAwait(false);
            if (updated) return;
            if (current is null) throw new StorageNotFoundException("order", orderId);
            if (allowed.Contains(current, StringComparer.Ordinal))
            {
                // The statement's snapshot allowed it, so a concurrent call changed the status first: judge by the
                // status as it is now (another admin setting the same status makes this call a no-op).
                current = await c.OneAsync("SELECT status FROM [[orders]] WHERE tenant_id = @t AND id = @id", r => PgRow.Str(r, 0),
                    ("t", TenantId), ("id", orderId)).ConfigureAwait(false) ?? throw new StorageNotFoundException("order", orderId);
            }
            if (current == PgRow.Text(status)) return;
            throw PrepareStatusChange.Forbidden(orderId, current, status);
        }, cancellationToken);
    }

    public Task UpdateOrderStatusAsync(string orderId, OrderStatus expectedStatus, OrderStatus status, DateTimeOffset statusUpdatedAt,
        DateTimeOffset updatedAt, CancellationToken cancellationToken)
    {
        PrepareStatusChange.CompareAndSet(orderId, expectedStatus, status);
        var statusAt = StorageTime.Micro(statusUpdatedAt);
        var updateAt = StorageTime.Micro(updatedAt);
        return RunAsync(async c =>
        {
            if (expectedStatus != status)
            {
                // One conditional UPDATE: it applies only while the row is still in the expected status (READ COMMITTED
                // re-checks the WHERE on the newest row version, so two admins can never both apply).
                var (updated, current) = await c.RowAsync("""
                    WITH u AS (
                        UPDATE [[orders]] SET status = @status, status_updated_at = @status_at, updated_at = @updated_at
                         WHERE tenant_id = @t AND id = @id AND status = @expected
                        RETURNING 1)
                    SELECT EXISTS (SELECT 1 FROM u), (SELECT status FROM [[orders]] WHERE tenant_id = @t AND id = @id)
                    """, r => (r.GetBoolean(0), PgRow.OptStr(r, 1)),
                    ("t", TenantId), ("id", orderId), ("status", PgRow.Text(status)), ("expected", PgRow.Text(expectedStatus)),
                    ("status_at", statusAt), ("updated_at", updateAt)).ConfigureAwait(false);
                if (updated) return;
                if (current is null) throw new StorageNotFoundException("order", orderId);
                await ThrowNotInExpectedAsync(c, orderId, expectedStatus).ConfigureAwait(false);
            }
            await CheckStillInAsync(c, orderId, expectedStatus, forUpdate: false).ConfigureAwait(false);
        }, cancellationToken);
    }

    public Task<OrderHistoryEntry?> UpdateOrderStatusWithHistoryAsync(string orderId, OrderStatus expectedStatus, OrderStatus status,
        DateTimeOffset at, string? note, string? actor, CancellationToken cancellationToken)
    {
        PrepareStatusChange.CompareAndSet(orderId, expectedStatus, status);
        var when = PrepareStatusChange.WithHistory(orderId, status, at, note, actor, Now);
        var entryId = Ids.NewSortableId(Context.Time);
        return RunAsync<OrderHistoryEntry?>(async c =>
        {
            // The row lock (FOR UPDATE) holds the status until this transaction commits.
            await CheckStillInAsync(c, orderId, expectedStatus, forUpdate: true).ConfigureAwait(false);
            if (expectedStatus == status) return null;
            var entry = PrepareStatusChange.Entry(TenantId, entryId, orderId, expectedStatus, status, when, note, actor);
            await c.ExecuteAsync("UPDATE [[orders]] SET status = @s, status_updated_at = @at, updated_at = @at WHERE tenant_id = @t AND id = @id",
                ("t", TenantId), ("id", orderId), ("s", PgRow.Text(status)), ("at", when)).ConfigureAwait(false);
            await InsertHistoryOnceAsync(c, entry).ConfigureAwait(false);
            return entry;
        }, cancellationToken, atomic: true);
    }

    /// <summary>NotFound when the order is missing, Conflict when it is not in <paramref name="expected"/>.</summary>
    private async Task CheckStillInAsync(PgConn c, string orderId, OrderStatus expected, bool forUpdate)
    {
        var current = await c.OneAsync($"SELECT status FROM [[orders]] WHERE tenant_id = @t AND id = @id{(forUpdate ? " FOR UPDATE" : "")}",
            r => PgRow.Str(r, 0), ("t", TenantId), ("id", orderId)).ConfigureAwait(false)
            ?? throw new StorageNotFoundException("order", orderId);
        if (current != PgRow.Text(expected)) throw PrepareStatusChange.NotInExpectedStatus(orderId, expected, current);
    }

    /// <summary>The Conflict after a compare-and-set UPDATE matched nothing on an existing order, naming its status now
    /// (the statement's snapshot may still show the expected status when a concurrent call changed it first).</summary>
    private async Task ThrowNotInExpectedAsync(PgConn c, string orderId, OrderStatus expected)
    {
        var now = await c.OneAsync("SELECT status FROM [[orders]] WHERE tenant_id = @t AND id = @id", r => PgRow.Str(r, 0),
            ("t", TenantId), ("id", orderId)).ConfigureAwait(false) ?? throw new StorageNotFoundException("order", orderId);
        throw PrepareStatusChange.NotInExpectedStatus(orderId, expected, now);
    }

    public Task AppendOrderHistoryAsync(OrderHistoryEntry entry, CancellationToken cancellationToken)
    {
        var h = Prepare.HistoryEntry(TenantId, entry, Now);
        return RunAsync(c => InsertHistoryOnceAsync(c, h), cancellationToken);
    }

    public Task<IReadOnlyList<OrderHistoryEntry>> ListOrderHistoryAsync(string orderId, int limit, CancellationToken cancellationToken)
    {
        Check.Id(orderId, "order id");
        Check.Page(limit);
        return RunAsync<IReadOnlyList<OrderHistoryEntry>>(async c => await c.ListAsync($"""
            SELECT {HistoryColumns} FROM [[order_history]] WHERE tenant_id = @t AND order_id = @o
             ORDER BY created_at DESC, id COLLATE "C" DESC LIMIT @limit
            """, ReadHistory, ("t", TenantId), ("o", orderId), ("limit", limit)).ConfigureAwait(false), cancellationToken);
    }

    public Task<OrderHistoryEntry?> UpdateOrderStatusWithHistoryAsync(string orderId, OrderStatus status, DateTimeOffset at,
        string? note, string? actor, CancellationToken cancellationToken)
    {
        var when = PrepareStatusChange.WithHistory(orderId, status, at, note, actor, Now);
        var entryId = Ids.NewSortableId(Context.Time);
        return RunAsync<OrderHistoryEntry?>(async c =>
        {
            var current = await c.OneAsync("SELECT status FROM [[orders]] WHERE tenant_id = @t AND id = @id FOR UPDATE",
                r => PgRow.Str(r, 0), ("t", TenantId), ("id", orderId)).ConfigureAwait(false);
            if (current is null) throw new StorageNotFoundException("order", orderId);
            var from = EnumText<OrderStatus>.Parse(current);
            if (from == status) return null;
            if (!OrderStatus.CanTransition(from, status))
                throw PrepareStatusChange.Forbidden(orderId, current, status);
            var entry = PrepareStatusChange.Entry(TenantId, entryId, orderId, from, status, when, note, actor);
            await c.ExecuteAsync("UPDATE [[orders]] SET status = @s, status_updated_at = @at, updated_at = @at WHERE tenant_id = @t AND id = @id",
                ("t", TenantId), ("id", orderId), ("s", PgRow.Text(status)), ("at", when)).ConfigureAwait(false);
            await InsertHistoryOnceAsync(c, entry).ConfigureAwait(false);
            return entry;
        }, cancellationToken, atomic: true);
    }

    /// <summary>Inserts a history entry; a duplicate entry id is Conflict naming it.</summary>
    private async Task InsertHistoryOnceAsync(PgConn c, OrderHistoryEntry h)
    {
        if (await InsertHistoryAsync(c, h).ConfigureAwait(false) == 0)
            throw Conflicts.AlreadyExists("order history entry", h.Id);
    }

    private Task<int> InsertHistoryAsync(PgConn c, OrderHistoryEntry h) => c.ExecuteAsync("""
        INSERT INTO [[order_history]] (id, tenant_id, order_id, from_status, to_status, note, actor, created_at)
        VALUES (@id, @t, @o, @from, @to, @note, @actor, @at)
        ON CONFLICT DO NOTHING
        """, ("id", h.Id), ("t", TenantId), ("o", h.OrderId), ("from", PgRow.Text(h.FromStatus)), ("to", PgRow.Text(h.ToStatus)),
        ("note", h.Note), ("actor", h.Actor), ("at", h.CreatedAt));

    /// <summary>Escapes LIKE wildcards so the text matches literally (backslash is the default escape).</summary>
    private static string EscapeLike(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    /// <summary>Only the parameters the SQL mentions: an unused NULL parameter has no type PostgreSQL could infer.</summary>
    private static (string, object?)[] Used(string sql, (string Name, object? Value)[] args) =>
        args.Where(a => sql.Contains("@" + a.Name, StringComparison.Ordinal)).ToArray();
}
