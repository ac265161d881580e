using Cedros.Storage.Schema.Rows;
using static Cedros.Storage.Sql.SqlCodec;

namespace Cedros.Storage.Sql;

internal abstract partial class SqlDriver
{
    public Task<Fulfillment?> SelectFulfillmentAsync(string fulfillmentId, CancellationToken cancellationToken) =>
        OneAsync($"SELECT {FulfillmentRow.Columns} FROM [[fulfillments]] WHERE tenant_id = @tenant AND id = @id",
            Codec.Rows.Fulfillment, [Tenant, ("@id", fulfillmentId)], cancellationToken);

    public Task<IReadOnlyList<Fulfillment>> SelectFulfillmentsAsync(string orderId, int limit, CancellationToken cancellationToken) =>
        ReadOnlyListAsync($"""
            SELECT {FulfillmentRow.Columns} FROM [[fulfillments]] WHERE tenant_id = @tenant AND order_id = @order
             ORDER BY created_at DESC, id COLLATE {C} DESC LIMIT @limit
            """, Codec.Rows.Fulfillment, [Tenant, ("@order", orderId), ("@limit", limit)], cancellationToken);

    public Task<Fulfillment?> UpdateFulfillmentStatusAsync(string fulfillmentId, FulfillmentStatus status, DateTimeOffset? shippedAt,
        DateTimeOffset? deliveredAt, DateTimeOffset updatedAt, string? trackingNumber, string? trackingUrl, string? carrier,
        CancellationToken cancellationToken) =>
        WriteOneAsync($"""
            UPDATE [[fulfillments]] SET
                status = @status, shipped_at = COALESCE(@shipped, shipped_at), delivered_at = COALESCE(@delivered, delivered_at),
                updated_at = @updated, tracking_number = COALESCE(@number, tracking_number),
                tracking_url = COALESCE(@url, tracking_url), carrier = COALESCE(@carrier, carrier)
             WHERE tenant_id = @tenant AND id = @id
            RETURNING {FulfillmentRow.Columns}
            """, Codec.Rows.Fulfillment,
            [Tenant, ("@id", fulfillmentId), ("@status", Text(status)), ("@shipped", Codec.TimeArg(shippedAt)),
             ("@delivered", Codec.TimeArg(deliveredAt)), ("@updated", updatedAt), ("@number", Codec.TextArg(trackingNumber)),
             ("@url", Codec.TextArg(trackingUrl)), ("@carrier", Codec.TextArg(carrier))], cancellationToken);

    // "(SELECT @now)": the instant is hidden from PostgreSQL's planner, so stale statistics of expires_at never make it
    // read every active reservation through the expiry index instead of the cart's (migration 0007).
    public Task<IReadOnlyList<InventoryReservation>> SelectActiveCartReservationsAsync(string cartId, DateTimeOffset now,
        CancellationToken cancellationToken) =>
        ReadOnlyListAsync($"""
            SELECT {ReservationRow.Columns} FROM [[inventory_reservations]]
             WHERE tenant_id = @tenant AND cart_id = @cart AND status = 'active' AND expires_at > (SELECT @now)
             ORDER BY created_at, id COLLATE {C}
            """, Codec.Rows.Reservation, [Tenant, ("@cart", cartId), ("@now", now)], cancellationToken);

    public Task<int> ReleaseCartReservationsAsync(string cartId, DateTimeOffset at, CancellationToken cancellationToken) =>
        ExecuteAsync("""
            UPDATE [[inventory_reservations]] SET status = 'released', status_updated_at = @at
             WHERE tenant_id = @tenant AND cart_id = @cart AND status = 'active'
            """, [Tenant, ("@cart", cartId), ("@at", at)], cancellationToken);

    public Task<int> ConvertCartReservationsAsync(string cartId, DateTimeOffset at, DateTimeOffset now, CancellationToken cancellationToken) =>
        ExecuteAsync("""
            UPDATE [[inventory_reservations]] SET status = 'converted', status_updated_at = @at
             WHERE tenant_id = @tenant AND cart_id = @cart AND status = 'active' AND expires_at > (SELECT @now)
            """, [Tenant, ("@cart", cartId), ("@at", at), ("@now", now)], cancellationToken);

    public Task<PendingWebhook?> SelectWebhookAsync(string webhookId, CancellationToken cancellationToken) =>
        OneAsync($"SELECT {WebhookRow.Select} FROM [[webhook_queue]] WHERE id = @id AND tenant_id = @tenant",
            Codec.Rows.Webhook, [("@id", webhookId), Tenant], cancellationToken);

    public Task<IReadOnlyList<PendingWebhook>> SelectWebhooksAsync(WebhookStatus? status, int limit, CancellationToken cancellationToken) =>
        ReadOnlyListAsync($"""
            SELECT {WebhookRow.Select} FROM [[webhook_queue]]
             WHERE tenant_id = @tenant AND (@status IS NULL OR status = @status)
             ORDER BY created_at DESC, id COLLATE {C} DESC LIMIT @limit
            """, Codec.Rows.Webhook, [Tenant, ("@status", Codec.TextArg(status is { } s ? Text(s) : null)), ("@limit", limit)],
            cancellationToken);

    public Task<bool> DeleteWebhookRowAsync(string webhookId, CancellationToken cancellationToken) =>
        ExecuteOneAsync("DELETE FROM [[webhook_queue]] WHERE id = @id AND tenant_id = @tenant", [("@id", webhookId), Tenant], cancellationToken);
}
