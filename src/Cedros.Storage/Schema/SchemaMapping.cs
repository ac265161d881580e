namespace Cedros.Storage.Schema;

/// <summary>
/// Table names, configurable under <c>storage.schema_mapping.&lt;entity&gt;.table_name</c>. Defaults are the seed's names.
/// The seed's eight entities come first; the rest are the tables the seed and the contract add.
/// </summary>
public sealed class SchemaMapping
{
    /// <summary>Payment ledger (<c>payments</c>).</summary>
    public string Payments { get; set; } = "payment_transactions";
    /// <summary>Stripe sessions (<c>sessions</c>).</summary>
    public string Sessions { get; set; } = "stripe_sessions";
    /// <summary>Products.</summary>
    public string Products { get; set; } = "products";
    /// <summary>Coupons.</summary>
    public string Coupons { get; set; } = "coupons";
    /// <summary>Cart quotes.</summary>
    public string CartQuotes { get; set; } = "cart_quotes";
    /// <summary>Refund quotes.</summary>
    public string RefundQuotes { get; set; } = "refund_quotes";
    /// <summary>Admin nonces.</summary>
    public string AdminNonces { get; set; } = "admin_nonces";
    /// <summary>Webhook queue.</summary>
    public string WebhookQueue { get; set; } = "webhook_queue";
    /// <summary>Orders.</summary>
    public string Orders { get; set; } = "orders";
    /// <summary>Order history.</summary>
    public string OrderHistory { get; set; } = "order_history";
    /// <summary>Fulfillments.</summary>
    public string Fulfillments { get; set; } = "fulfillments";
    /// <summary>Inventory reservations.</summary>
    public string InventoryReservations { get; set; } = "inventory_reservations";
    /// <summary>Subscriptions.</summary>
    public string Subscriptions { get; set; } = "subscriptions";
    /// <summary>Idempotency keys.</summary>
    public string IdempotencyKeys { get; set; } = "idempotency_keys";
    /// <summary>Migration history.</summary>
    public string SchemaMigrations { get; set; } = "schema_migrations";

    /// <summary>The configuration key of each entity and its current value, in a stable order.</summary>
    internal IEnumerable<(string Entity, string Value)> Entries() =>
    [
        ("payments", Payments), ("sessions", Sessions), ("products", Products), ("coupons", Coupons),
        ("cart_quotes", CartQuotes), ("refund_quotes", RefundQuotes), ("admin_nonces", AdminNonces),
        ("webhook_queue", WebhookQueue), ("orders", Orders), ("order_history", OrderHistory),
        ("fulfillments", Fulfillments), ("inventory_reservations", InventoryReservations),
        ("subscriptions", Subscriptions), ("idempotency_keys", IdempotencyKeys), ("schema_migrations", SchemaMigrations),
    ];

    /// <summary>Validates every name and resolves the archive table; throws naming the bad key.</summary>
    internal ResolvedTables Resolve(string? archiveTable)
    {
        TableName T(string entity, string value) => TableName.Parse(value, $"storage.schema_mapping.{entity}.table_name");
        var payments = T("payments", Payments);
        var resolved = new ResolvedTables
        {
            Payments = payments,
            Sessions = T("sessions", Sessions),
            Products = T("products", Products),
            Coupons = T("coupons", Coupons),
            CartQuotes = T("cart_quotes", CartQuotes),
            RefundQuotes = T("refund_quotes", RefundQuotes),
            AdminNonces = T("admin_nonces", AdminNonces),
            WebhookQueue = T("webhook_queue", WebhookQueue),
            Orders = T("orders", Orders),
            OrderHistory = T("order_history", OrderHistory),
            Fulfillments = T("fulfillments", Fulfillments),
            InventoryReservations = T("inventory_reservations", InventoryReservations),
            Subscriptions = T("subscriptions", Subscriptions),
            IdempotencyKeys = T("idempotency_keys", IdempotencyKeys),
            SchemaMigrations = T("schema_migrations", SchemaMigrations),
            PaymentsArchive = archiveTable switch
            {
                null => TableName.Parse(payments + "_archive", "storage.archival.archive_table"),
                "" => null,
                _ => TableName.Parse(archiveTable, "storage.archival.archive_table"),
            },
        };
        var names = resolved.All().Select(t => t.ToString().ToLowerInvariant()).ToList();
        var duplicate = names.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new StorageConfigurationException("storage.schema_mapping", $"table name '{duplicate.Key}' is mapped to two entities.");
        return resolved;
    }
}

/// <summary>Every table name, validated; what a backend uses in its SQL.</summary>
internal sealed class ResolvedTables
{
    /// <summary>Payment ledger.</summary>
    public required TableName Payments { get; init; }
    /// <summary>Archive of the payment ledger, or null when archival deletes.</summary>
    public required TableName? PaymentsArchive { get; init; }
    /// <summary>Stripe sessions.</summary>
    public required TableName Sessions { get; init; }
    /// <summary>Products.</summary>
    public required TableName Products { get; init; }
    /// <summary>Coupons.</summary>
    public required TableName Coupons { get; init; }
    /// <summary>Cart quotes.</summary>
    public required TableName CartQuotes { get; init; }
    /// <summary>Refund quotes.</summary>
    public required TableName RefundQuotes { get; init; }
    /// <summary>Admin nonces.</summary>
    public required TableName AdminNonces { get; init; }
    /// <summary>Webhook queue.</summary>
    public required TableName WebhookQueue { get; init; }
    /// <summary>Orders.</summary>
    public required TableName Orders { get; init; }
    /// <summary>Order history.</summary>
    public required TableName OrderHistory { get; init; }
    /// <summary>Fulfillments.</summary>
    public required TableName Fulfillments { get; init; }
    /// <summary>Inventory reservations.</summary>
    public required TableName InventoryReservations { get; init; }
    /// <summary>Subscriptions.</summary>
    public required TableName Subscriptions { get; init; }
    /// <summary>Idempotency keys.</summary>
    public required TableName IdempotencyKeys { get; init; }
    /// <summary>Migration history.</summary>
    public required TableName SchemaMigrations { get; init; }

    /// <summary>
    /// The table registry: the table of an entity key (the <c>storage.schema_mapping</c> keys, plus
    /// <c>payments_archive</c>, which names the default archive table even when archival deletes).
    /// </summary>
    public TableName ByEntity(string entity) => entity switch
    {
        "payments" => Payments,
        "payments_archive" => PaymentsArchive ?? TableName.Parse(Payments + "_archive", "storage.archival.archive_table"),
        "sessions" => Sessions,
        "products" => Products,
        "coupons" => Coupons,
        "cart_quotes" => CartQuotes,
        "refund_quotes" => RefundQuotes,
        "admin_nonces" => AdminNonces,
        "webhook_queue" => WebhookQueue,
        "orders" => Orders,
        "order_history" => OrderHistory,
        "fulfillments" => Fulfillments,
        "inventory_reservations" => InventoryReservations,
        "subscriptions" => Subscriptions,
        "idempotency_keys" => IdempotencyKeys,
        "schema_migrations" => SchemaMigrations,
        _ => throw new InvalidOperationException($"unknown table entity '{entity}'."),
    };

    /// <summary>
    /// The SQL template listing every tenant id that has a row in any table (the archive included when one is
    /// configured), distinct (unordered: callers sort ordinally): one <c>UNION</c> of each table's <c>tenant_id</c>.
    /// </summary>
    public string TenantIdsTemplate()
    {
        string[] entities = ["payments", "sessions", "products", "coupons", "cart_quotes", "refund_quotes", "admin_nonces",
            "webhook_queue", "orders", "order_history", "fulfillments", "inventory_reservations", "subscriptions", "idempotency_keys"];
        var selects = entities.Select(e => $"SELECT tenant_id FROM [[{e}]]");
        if (PaymentsArchive is not null) selects = selects.Append("SELECT tenant_id FROM [[payments_archive]]");
        return string.Join("\nUNION\n", selects);
    }

    /// <summary>Every table.</summary>
    public IEnumerable<TableName> All()
    {
        TableName?[] all = [Payments, PaymentsArchive, Sessions, Products, Coupons, CartQuotes, RefundQuotes, AdminNonces,
            WebhookQueue, Orders, OrderHistory, Fulfillments, InventoryReservations, Subscriptions, IdempotencyKeys, SchemaMigrations];
        return all.OfType<TableName>();
    }
}
