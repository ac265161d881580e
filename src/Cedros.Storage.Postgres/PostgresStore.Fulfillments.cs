using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Internal;
using Npgsql;
using NpgsqlTypes;

namespace Cedros.Storage.Postgres;

internal sealed partial class PostgresStore : IFulfillmentDriver
{
    private const string FulfillmentColumns = "id, tenant_id, order_id, status, carrier, tracking_number, tracking_url, items, shipped_at, " +
        "delivered_at, metadata, created_at, updated_at";

    private static Fulfillment ReadFulfillment(NpgsqlDataReader r) => new()
    {
        Id = r.GetString(0),
        TenantId = r.GetString(1),
        OrderId = r.GetString(2),
        Status = PgRow.Enum(r, 3, FulfillmentStatus.Pending),
        Carrier = PgRow.OptStr(r, 4),
        TrackingNumber = PgRow.OptStr(r, 5),
        TrackingUrl = PgRow.OptStr(r, 6),
        Items = StorageJson.Deserialize<List<FulfillmentItem>?>(PgRow.OptStr(r, 7), null)?.AsReadOnly() ?? (IReadOnlyList<FulfillmentItem>)[],
        ShippedAt = PgRow.OptTime(r, 8),
        DeliveredAt = PgRow.OptTime(r, 9),
        Metadata = PgRow.Meta(r, 10),
        CreatedAt = PgRow.Time(r, 11),
        UpdatedAt = PgRow.OptTime(r, 12),
    };

    /// <summary>One statement: inserted only when the order exists in the tenant (checked first); then a duplicate id
    /// inserts nothing.</summary>
    public Task<FulfillmentInsert> InsertFulfillmentAsync(Fulfillment f, CancellationToken cancellationToken) =>
        RunAsync(async c =>
        {
            var (orderExists, inserted) = await c.RowAsync("""
                WITH ins AS (
                    INSERT INTO [[fulfillments]] (id, tenant_id, order_id, status, carrier, tracking_number, tracking_url, items,
                        shipped_at, delivered_at, metadata, created_at, updated_at)
                    SELECT @id, @t, @o, @status, @carrier, @number, @url, @items, @shipped, @delivered, @meta, @created, @updated
                     WHERE EXISTS (SELECT 1 FROM [[orders]] WHERE tenant_id = @t AND id = @o)
                    ON CONFLICT DO NOTHING
                    RETURNING 1)
                SELECT EXISTS (SELECT 1 FROM [[orders]] WHERE tenant_id = @t AND id = @o), (SELECT count(*) FROM ins)
                """, r => (r.GetBoolean(0), r.GetInt64(1)),
                ("id", f.Id), ("t", TenantId), ("o", f.OrderId), ("status", PgRow.Text(f.Status)), ("carrier", f.Carrier),
                ("number", f.TrackingNumber), ("url", f.TrackingUrl), ("items", PgRow.Json(f.Items)), ("shipped", Tz(f.ShippedAt)),
                ("delivered", Tz(f.DeliveredAt)), ("meta", PgRow.Json(f.Metadata)), ("created", f.CreatedAt), ("updated", Tz(f.UpdatedAt)))
                .ConfigureAwait(false);
            return !orderExists ? FulfillmentInsert.OrderMissing : inserted == 0 ? FulfillmentInsert.Duplicate : FulfillmentInsert.Inserted;
        }, cancellationToken);

    public Task<Fulfillment?> SelectFulfillmentAsync(string fulfillmentId, CancellationToken cancellationToken) =>
        RunAsync(c => c.OneAsync($"SELECT {FulfillmentColumns} FROM [[fulfillments]] WHERE tenant_id = @t AND id = @id",
            ReadFulfillment, ("t", TenantId), ("id", fulfillmentId)), cancellationToken);

    public Task<IReadOnlyList<Fulfillment>> SelectFulfillmentsAsync(string orderId, int limit, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<Fulfillment>>(async c => await c.ListAsync($"""
            SELECT {FulfillmentColumns} FROM [[fulfillments]] WHERE tenant_id = @t AND order_id = @o
             ORDER BY created_at DESC, id COLLATE "C" DESC LIMIT @limit
            """, ReadFulfillment, ("t", TenantId), ("o", orderId), ("limit", limit)).ConfigureAwait(false), cancellationToken);

    /// <summary>In a transaction, so the returned row is read before the commit: a row that cannot be read rolls the
    /// change back, and a call that committed never throws afterwards.</summary>
    public Task<Fulfillment?> UpdateFulfillmentStatusAsync(string fulfillmentId, FulfillmentStatus status, DateTimeOffset? shippedAt,
        DateTimeOffset? deliveredAt, DateTimeOffset updatedAt, string? trackingNumber, string? trackingUrl, string? carrier,
        CancellationToken cancellationToken) =>
        RunAsync(c => c.OneAsync($"""
            UPDATE [[fulfillments]] SET
                status = @status,
                shipped_at = COALESCE(@shipped, shipped_at),
                delivered_at = COALESCE(@delivered, delivered_at),
                updated_at = @updated,
                tracking_number = COALESCE(@number, tracking_number),
                tracking_url = COALESCE(@url, tracking_url),
                carrier = COALESCE(@carrier, carrier)
             WHERE tenant_id = @t AND id = @id
            RETURNING {FulfillmentColumns}
            """, ReadFulfillment,
            ("t", TenantId), ("id", fulfillmentId), ("status", PgRow.Text(status)), ("shipped", Tz(shippedAt)),
            ("delivered", Tz(deliveredAt)), ("updated", updatedAt), ("number", TextParam(trackingNumber)),
            ("url", TextParam(trackingUrl)), ("carrier", TextParam(carrier))), cancellationToken, atomic: true);

    /// <summary>A nullable timestamptz parameter whose type PostgreSQL need not infer.</summary>
    internal static NpgsqlParameter Tz(DateTimeOffset? value) => new() { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = value is { } v ? v : DBNull.Value };

    /// <summary>A nullable text parameter whose type PostgreSQL need not infer.</summary>
    internal static NpgsqlParameter TextParam(string? value) => new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };
}
