using Cedros.Storage.FrontDoor.Drivers;
using Microsoft.Data.Sqlite;
using static Cedros.Storage.Sqlite.SqliteRow;

namespace Cedros.Storage.Sqlite;

internal sealed partial class SqliteStore : IFulfillmentDriver
{
    private const string FulfillmentColumns = "tenant_id, id, order_id, status, carrier, tracking_number, tracking_url, items, " +
        "shipped_at, delivered_at, metadata, created_at, updated_at";

    private static Fulfillment ReadFulfillment(SqliteDataReader r) => new()
    {
        TenantId = r.Str(0),
        Id = r.Str(1),
        OrderId = r.Str(2),
        Status = r.Enum<FulfillmentStatus>(3),
        Carrier = r.StrOrNull(4),
        TrackingNumber = r.StrOrNull(5),
        TrackingUrl = r.StrOrNull(6),
        Items = r.Json<FulfillmentItem[]>(7, []),
        ShippedAt = r.TimeOrNull(8),
        DeliveredAt = r.TimeOrNull(9),
        Metadata = r.Metadata(10),
        CreatedAt = r.Time(11),
        UpdatedAt = r.TimeOrNull(12),
    };

    /// <summary>The order check and the insert run in one write transaction (the file's write lock).</summary>
    public Task<FulfillmentInsert> InsertFulfillmentAsync(Fulfillment f, CancellationToken cancellationToken) =>
        WriteAsync(s =>
        {
            if (!s.Exists(Sql("SELECT 1 FROM [[orders]] WHERE tenant_id = @tenant AND id = @id"), Tenant, ("@id", f.OrderId)))
                return FulfillmentInsert.OrderMissing;
            var inserted = s.Execute(Sql($"""
                INSERT INTO [[fulfillments]] ({FulfillmentColumns})
                VALUES (@tenant, @id, @order_id, @status, @carrier, @tracking_number, @tracking_url, @items, @shipped_at, @delivered_at,
                        @metadata, @created_at, @updated_at)
                ON CONFLICT DO NOTHING
                """), Tenant, ("@id", f.Id), ("@order_id", f.OrderId), ("@status", Text(f.Status)), ("@carrier", f.Carrier),
                ("@tracking_number", f.TrackingNumber), ("@tracking_url", f.TrackingUrl), ("@items", Json(f.Items)),
                ("@shipped_at", f.ShippedAt), ("@delivered_at", f.DeliveredAt), ("@metadata", Json(f.Metadata)),
                ("@created_at", f.CreatedAt), ("@updated_at", f.UpdatedAt));
            return inserted == 0 ? FulfillmentInsert.Duplicate : FulfillmentInsert.Inserted;
        }, cancellationToken);

    public Task<Fulfillment?> SelectFulfillmentAsync(string fulfillmentId, CancellationToken cancellationToken) =>
        ReadAsync(s => s.One(Sql($"SELECT {FulfillmentColumns} FROM [[fulfillments]] WHERE tenant_id = @tenant AND id = @id"),
            ReadFulfillment, Tenant, ("@id", fulfillmentId)), cancellationToken);

    public Task<IReadOnlyList<Fulfillment>> SelectFulfillmentsAsync(string orderId, int limit, CancellationToken cancellationToken) =>
        ReadAsync<IReadOnlyList<Fulfillment>>(s => s.List(Sql($"""
            SELECT {FulfillmentColumns} FROM [[fulfillments]] WHERE tenant_id = @tenant AND order_id = @order
            ORDER BY created_at DESC, id DESC LIMIT @limit
            """), ReadFulfillment, Tenant, ("@order", orderId), ("@limit", limit)), cancellationToken);

    public Task<Fulfillment?> UpdateFulfillmentStatusAsync(string fulfillmentId, FulfillmentStatus status, DateTimeOffset? shippedAt,
        DateTimeOffset? deliveredAt, DateTimeOffset updatedAt, string? trackingNumber, string? trackingUrl, string? carrier,
        CancellationToken cancellationToken) =>
        WriteAsync(s => s.One(Sql($"""
            UPDATE [[fulfillments]] SET
                status = @status, shipped_at = coalesce(@shipped_at, shipped_at), delivered_at = coalesce(@delivered_at, delivered_at),
                updated_at = @updated_at, tracking_number = coalesce(@tracking_number, tracking_number),
                tracking_url = coalesce(@tracking_url, tracking_url), carrier = coalesce(@carrier, carrier)
            WHERE tenant_id = @tenant AND id = @id
            RETURNING {FulfillmentColumns}
            """), ReadFulfillment, Tenant, ("@id", fulfillmentId), ("@status", Text(status)), ("@shipped_at", shippedAt),
            ("@delivered_at", deliveredAt), ("@updated_at", updatedAt),
            ("@tracking_number", trackingNumber), ("@tracking_url", trackingUrl), ("@carrier", carrier)), cancellationToken);
}
