using Cedros.Storage.Internal;
using NpgsqlTypes;

namespace Cedros.Storage.Benchmarks.Ops;

/// <summary><c>TryStoreOrderAsync</c> of a new order vs the insert by hand (items, shipping and metadata as JSON). The
/// insert binds every field a caller may set (user, shipping, metadata, the update times), as the storage's does and as
/// an insert written by hand for this API would: a literal <c>NULL</c> or <c>'{}'</c> would store an order without its
/// caller's values.</summary>
public sealed class StoreOrderCase(OpsBackend backend) : OpsCase(backend)
{
    private static readonly string Table = OpsBackend.Tables.Orders;
    private const string Columns = "id, tenant_id, source, purchase_id, resource_id, user_id, customer, status, items, amount, amount_asset, " +
        "customer_email, shipping, metadata, created_at, updated_at, status_updated_at";

    public override string Name => "store order";

    private static Order Next(string prefix, long i) => Samples.Order(0, Raw.Now()) with { Id = Key(prefix, i), PurchaseId = Key(prefix + "p", i) };

    public override async Task StorageAsync(int worker, long i) => Expect(await Store.TryStoreOrderAsync(Next("o", i)), "order not stored");

    /// <summary>A map as JSON; an empty one as <c>{}</c> without the serializer, as the storage writes it.</summary>
    private static string Json(IReadOnlyDictionary<string, string> map) => map.Count == 0 ? "{}" : StorageJson.Serialize(map);

    public override async Task RawAsync(int worker, long i)
    {
        var o = Next("ro", i);
        var items = StorageJson.Serialize(o.Items);
        object shipping = o.Shipping is null ? DBNull.Value : Json(o.Shipping);
        if (Pg)
        {
            Expect(await Backend.PgExecuteAsync($"""
                INSERT INTO {Table} ({Columns})
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
                ON CONFLICT DO NOTHING
                """, p =>
            {
                p.Add(new() { Value = o.Id }); p.Add(new() { Value = BenchEnv.Tenant }); p.Add(new() { Value = o.Source });
                p.Add(new() { Value = o.PurchaseId }); p.Add(new() { Value = o.ResourceId });
                p.Add(new() { Value = (object?)o.UserId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
                p.Add(new() { Value = o.Customer! }); p.Add(new() { Value = "paid" });
                p.Add(new() { Value = items, NpgsqlDbType = NpgsqlDbType.Jsonb });
                p.Add(new() { Value = o.Amount }); p.Add(new() { Value = o.AmountAsset }); p.Add(new() { Value = o.CustomerEmail! });
                p.Add(new() { Value = shipping, NpgsqlDbType = NpgsqlDbType.Jsonb });
                p.Add(new() { Value = Json(o.Metadata), NpgsqlDbType = NpgsqlDbType.Jsonb });
                p.Add(new() { Value = o.CreatedAt });
                p.Add(new() { Value = (object?)o.UpdatedAt ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
                p.Add(new() { Value = (object?)o.StatusUpdatedAt ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            }) == 1, "order not stored");
            return;
        }
        var command = Backend.Lite(worker, $"""
            INSERT INTO {Table} ({Columns})
            VALUES (@id, @t, @source, @purchase, @resource, @user, @customer, @status, @items, @amount, @asset, @email, @shipping, @metadata,
                    @created, @updated, @status_updated)
            ON CONFLICT DO NOTHING
            """, "@id", "@t", "@source", "@purchase", "@resource", "@user", "@customer", "@status", "@items", "@amount", "@asset", "@email",
            "@shipping", "@metadata", "@created", "@updated", "@status_updated");
        Expect(await Backend.LiteWriteAsync(() =>
        {
            object[] values = [o.Id, BenchEnv.Tenant, o.Source, o.PurchaseId, o.ResourceId, (object?)o.UserId ?? DBNull.Value, o.Customer!, "paid",
                items, o.Amount, o.AmountAsset, o.CustomerEmail!, shipping, Json(o.Metadata), Raw.Micros(o.CreatedAt),
                o.UpdatedAt is { } updated ? (object)Raw.Micros(updated) : DBNull.Value,
                o.StatusUpdatedAt is { } statusUpdated ? (object)Raw.Micros(statusUpdated) : DBNull.Value];
            for (var k = 0; k < values.Length; k++) command.Parameters[k].Value = values[k];
            return command.ExecuteNonQuery();
        }) == 1, "order not stored");
    }
}

/// <summary><c>EnqueueWebhookAsync</c> of a new webhook vs the insert by hand. The insert binds every field a caller
/// may set (headers, max attempts, next attempt, created), as the storage's does and as an enqueue written by hand for
/// this API would: a literal <c>'{}'</c> and <c>5</c> would store a webhook without its caller's headers.</summary>
public sealed class EnqueueWebhookCase(OpsBackend backend) : OpsCase(backend)
{
    private const string Payload = """{"type":"payment.succeeded","amount":1000000}""";
    private const string Headers = "{}";
    private const int MaxAttempts = 5;
    private static readonly string Table = OpsBackend.Tables.WebhookQueue;

    public override string Name => "enqueue webhook";

    public override async Task StorageAsync(int worker, long i) =>
        await Store.EnqueueWebhookAsync(new PendingWebhook { Id = Key("w", i), Url = "https://merchant.example/hook", Payload = Payload, EventType = "payment.succeeded" });

    public override async Task RawAsync(int worker, long i)
    {
        var id = Key("rw", i);
        var now = Raw.Now();
        if (Pg)
        {
            Expect(await Backend.PgExecuteAsync($"""
                INSERT INTO {Table} (id, tenant_id, url, payload, payload_raw, headers, event_type, status, attempts, max_attempts, next_attempt_at, created_at)
                VALUES ($1, $2, $3, $4::jsonb, $4, $5, $6, 'pending', 0, $7, $8, $9)
                ON CONFLICT (id) DO NOTHING
                """, p =>
            {
                p.Add(new() { Value = id }); p.Add(new() { Value = BenchEnv.Tenant }); p.Add(new() { Value = "https://merchant.example/hook" });
                p.Add(new() { Value = Payload }); p.Add(new() { Value = Headers, NpgsqlDbType = NpgsqlDbType.Jsonb });
                p.Add(new() { Value = "payment.succeeded" }); p.Add(new() { Value = MaxAttempts }); p.Add(new() { Value = now }); p.Add(new() { Value = now });
            }) == 1, "webhook not enqueued");
            return;
        }
        var command = Backend.Lite(worker, $"""
            INSERT INTO {Table} (id, tenant_id, url, payload, headers, event_type, status, attempts, max_attempts, next_attempt_at, created_at)
            VALUES (@id, @t, @url, @payload, @headers, @event, 'pending', 0, @max, @next, @created)
            ON CONFLICT (id) DO NOTHING
            """, "@id", "@t", "@url", "@payload", "@headers", "@event", "@max", "@next", "@created");
        Expect(await Backend.LiteWriteAsync(() =>
        {
            command.Parameters[0].Value = id; command.Parameters[1].Value = BenchEnv.Tenant; command.Parameters[2].Value = "https://merchant.example/hook";
            command.Parameters[3].Value = Payload; command.Parameters[4].Value = Headers; command.Parameters[5].Value = "payment.succeeded";
            command.Parameters[6].Value = MaxAttempts; command.Parameters[7].Value = Raw.Micros(now); command.Parameters[8].Value = Raw.Micros(now);
            return command.ExecuteNonQuery();
        }) == 1, "webhook not enqueued");
    }
}
