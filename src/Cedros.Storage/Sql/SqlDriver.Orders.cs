using Cedros.Storage.Schema.Rows;
using static Cedros.Storage.Sql.SqlCodec;

namespace Cedros.Storage.Sql;

internal abstract partial class SqlDriver
{
    /// <summary>DO NOTHING covers both keys: the primary key (tenant_id, id) and the unique (tenant_id, source, purchase_id).</summary>
    private static readonly string InsertOrder = $"INSERT INTO [[orders]] ({OrderRow.Columns}) VALUES ({OrderRow.Values}) ON CONFLICT DO NOTHING";
    private static readonly string InsertHistory =
        $"INSERT INTO [[order_history]] ({OrderHistoryRow.Columns}) VALUES ({OrderHistoryRow.Values}) ON CONFLICT DO NOTHING";

    public Task<bool> InsertOrderAsync(Order order, CancellationToken cancellationToken) =>
        ExecuteOneAsync(InsertOrder, OrderRow.Args(order, TenantId, Codec), cancellationToken);

    public Task<Order?> SelectOrderAsync(string orderId, CancellationToken cancellationToken) =>
        OneAsync($"SELECT {OrderRow.Columns} FROM [[orders]] WHERE tenant_id = @tenant AND id = @id",
            Codec.Rows.Order, [Tenant, ("@id", orderId)], cancellationToken);

    public Task<Order?> SelectOrderByPurchaseAsync(string source, string purchaseId, CancellationToken cancellationToken) =>
        OneAsync($"SELECT {OrderRow.Columns} FROM [[orders]] WHERE tenant_id = @tenant AND source = @source AND purchase_id = @purchase",
            Codec.Rows.Order, [Tenant, ("@source", source), ("@purchase", purchaseId)], cancellationToken);

    public Task<IReadOnlyList<Order>> SelectOrdersAsync(int limit, int offset, CancellationToken cancellationToken) =>
        ReadOnlyListAsync($"""
            SELECT {OrderRow.Columns} FROM [[orders]] WHERE tenant_id = @tenant
             ORDER BY created_at DESC, id COLLATE {C} DESC LIMIT @limit OFFSET @offset
            """, Codec.Rows.Order, [Tenant, ("@limit", limit), ("@offset", offset)], cancellationToken);

    public Task SetOrderStatusAsync(string orderId, OrderStatus status, DateTimeOffset at, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE [[orders]] SET status = @status, status_updated_at = @at, updated_at = @at WHERE tenant_id = @tenant AND id = @id",
            [Tenant, ("@id", orderId), ("@status", Text(status)), ("@at", at)], cancellationToken);

    public Task<bool> InsertOrderHistoryAsync(OrderHistoryEntry entry, CancellationToken cancellationToken) =>
        ExecuteOneAsync(InsertHistory, OrderHistoryRow.Args(entry, TenantId), cancellationToken);

    public Task<IReadOnlyList<OrderHistoryEntry>> SelectOrderHistoryAsync(string orderId, int limit, CancellationToken cancellationToken) =>
        ReadOnlyListAsync($"""
            SELECT {OrderHistoryRow.Columns} FROM [[order_history]] WHERE tenant_id = @tenant AND order_id = @order
             ORDER BY created_at DESC, id COLLATE {C} DESC LIMIT @limit
            """, Codec.Rows.OrderHistory, [Tenant, ("@order", orderId), ("@limit", limit)], cancellationToken);
}
