using System.Data.Common;
using Cedros.Storage.Internal;
using Cedros.Storage.Sql;
using static Cedros.Storage.Sql.SqlCodec;

namespace Cedros.Storage.Schema.Rows;

internal static class FulfillmentRow
{
    public const string Columns = "id, tenant_id, order_id, status, carrier, tracking_number, tracking_url, items, shipped_at, " +
        "delivered_at, metadata, created_at, updated_at";
    public static readonly string Values = RowText.Params(Columns);

    public static Fulfillment Read(DbDataReader r, SqlCodec c) => new()
    {
        Id = Str(r, 0),
        TenantId = Str(r, 1),
        OrderId = Str(r, 2),
        Status = EnumOf(r, 3, FulfillmentStatus.Pending),
        Carrier = OptStr(r, 4),
        TrackingNumber = OptStr(r, 5),
        TrackingUrl = OptStr(r, 6),
        Items = JsonList<FulfillmentItem>(r, 7),
        ShippedAt = c.OptTime(r, 8),
        DeliveredAt = c.OptTime(r, 9),
        Metadata = Meta(r, 10),
        CreatedAt = c.Time(r, 11),
        UpdatedAt = c.OptTime(r, 12),
    };

    public static (string, object?)[] Args(Fulfillment f, string tenantId, SqlCodec c) =>
    [
        ("@id", f.Id), ("@tenant_id", tenantId), ("@order_id", f.OrderId), ("@status", Text(f.Status)), ("@carrier", c.TextArg(f.Carrier)),
        ("@tracking_number", c.TextArg(f.TrackingNumber)), ("@tracking_url", c.TextArg(f.TrackingUrl)), ("@items", c.Json(f.Items)),
        ("@shipped_at", c.TimeArg(f.ShippedAt)), ("@delivered_at", c.TimeArg(f.DeliveredAt)), ("@metadata", c.Json(f.Metadata)),
        ("@created_at", f.CreatedAt), ("@updated_at", c.TimeArg(f.UpdatedAt)),
    ];
}

internal static class ReservationRow
{
    public const string Columns = "id, tenant_id, product_id, variant_id, quantity, expires_at, cart_id, status, created_at, status_updated_at";

    public static InventoryReservation Read(DbDataReader r, SqlCodec c) => new()
    {
        Id = Str(r, 0),
        TenantId = Str(r, 1),
        ProductId = Str(r, 2),
        VariantId = OptStr(r, 3),
        Quantity = Int(r, 4),
        ExpiresAt = c.Time(r, 5),
        CartId = OptStr(r, 6),
        Status = EnumOf(r, 7, ReservationStatus.Active),
        CreatedAt = c.Time(r, 8),
        StatusUpdatedAt = c.OptTime(r, 9),
    };
}

internal static class WebhookRow
{
    /// <summary>The columns after the payload (PostgreSQL reads the payload from another expression).</summary>
    public const string AfterPayload = "headers, event_type, status, attempts, max_attempts, last_error, last_attempt_at, next_attempt_at, " +
        "created_at, completed_at, locked_until, claim_token";
    public const string Columns = "id, tenant_id, url, payload, " + AfterPayload;

    /// <summary>What a shared statement selects: <c>{payload}</c> is the backend's payload expression (SqlCodec).</summary>
    public const string Select = "id, tenant_id, url, {payload}, " + AfterPayload;

    public static PendingWebhook Read(DbDataReader r, SqlCodec c) => new()
    {
        Id = c.NotNullStr(r, 0),
        TenantId = c.NotNullStr(r, 1),
        Url = c.NotNullStr(r, 2),
        Payload = c.NotNullStr(r, 3),
        Headers = StorageJson.Metadata(c.NotNullStr(r, 4)),
        EventType = c.NotNullStr(r, 5),
        Status = EnumOf(r, 6, WebhookStatus.Pending),
        Attempts = Int(r, 7),
        MaxAttempts = Int(r, 8, 5),
        LastError = OptStr(r, 9),
        LastAttemptAt = c.OptTime(r, 10),
        NextAttemptAt = c.OptTime(r, 11),
        CreatedAt = c.OptTime(r, 12),
        CompletedAt = c.OptTime(r, 13),
        LockedUntil = c.OptTime(r, 14),
        ClaimToken = OptStr(r, 15),
    };
}
