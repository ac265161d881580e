using System.Text.Json.Nodes;
using Cedros.Storage.Internal;
using Microsoft.Extensions.Time.Testing;

namespace Cedros.Storage.Tests.Conformance;

/// <summary>
/// Contract §0, JSON columns: rows written by earlier Cedros servers (keys in snake_case, camelCase, PascalCase or Go's
/// <c>…ID</c>/<c>…URL</c> spelling, unknown keys, metadata values that are numbers, booleans, objects or null, numbers
/// written as strings) are read by every read method; a later write stores the one canonical (snake_case) form; and a
/// write whose returned row cannot be read writes nothing (a call never reports failure after committing).
/// Runs on SQLite and PostgreSQL (a migrated schema, and a seed-DDL schema adopted by the library).
/// </summary>
public abstract class LegacyJsonConformance<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : class, ILegacyRowFixture
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Day = new(2026, 2, 20, 8, 30, 0, TimeSpan.Zero);

    public static TheoryData<Spelling> Spellings => [Spelling.Snake, Spelling.Camel, Spelling.Pascal, Spelling.Go];

    /// <summary>A metadata map as a Go <c>map[string]interface{}</c> wrote it: not only strings.</summary>
    private const string LegacyMeta = """{"source": "go", "attempt": 2, "paid": false, "extra": {"a": [1, 2]}, "nothing": null}""";

    /// <summary>What <see cref="LegacyMeta"/> reads as: strings as they are, anything else as its JSON text, null as "".</summary>
    private static void AssertLegacyMeta(IReadOnlyDictionary<string, string> meta)
    {
        Assert.Equal(["attempt", "extra", "nothing", "paid", "source"], meta.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("go", meta["source"]);
        Assert.Equal("2", meta["attempt"]);
        Assert.Equal("false", meta["paid"]);
        Assert.True(Spell.SameJson("""{"a":[1,2]}""", meta["extra"]), meta["extra"]);
        Assert.Equal("", meta["nothing"]);
    }

    private static string Q(string text) => "\"" + text + "\"";

    /// <summary>Every JSON column of every table, written in <paramref name="s"/>.</summary>
    private static List<RawRow> Rows(Spelling s)
    {
        var cartItems = "[" +
            Spell.Record(s, ("resource_id", Q("prod-1")), ("quantity", "2"), ("price", "1500000"), ("asset", Q("USDC")),
                ("metadata", """{"size": "L", "count": 3}"""), ("legacy_sku", Q("SKU-1"))) + ", " +
            // Numbers written as strings, and Go's nil map (null).
            Spell.Record(s, ("resource_id", Q("prod-2")), ("quantity", Q("1")), ("price", Q("250")), ("asset", Q("USDC")),
                ("metadata", "null")) + "]";
        var orderItems = "[" + Spell.Record(s, ("product_id", Q("prod-1")), ("variant_id", Q("red")), ("quantity", "1"), ("name", Q("Shirt")),
            ("unit_price", "2000000"), ("asset", Q("USDC")), ("metadata", """{"gift": true}"""), ("legacy_sku", Q("SKU-1"))) + "]";
        var fulfillmentItems = "[" + Spell.Record(s, ("product_id", Q("prod-1")), ("variant_id", Q("red")), ("quantity", "1"),
            ("warehouse_id", Q("w-9"))) + "]";
        var subscriptionConfig = Spell.Record(s, ("billing_period", Q("month")), ("billing_interval", "3"), ("trial_days", Q("14")),
            ("legacy_plan_id", Q("plan-x")));
        return
        [
            RawRow.Of("cart_quotes", ("tenant_id", "default"), ("id", "cart-legacy"), ("items", new RawJson(cartItems)),
                ("total_amount", 3_000_250L), ("total_asset", "USDC"), ("metadata", new RawJson(LegacyMeta)), ("created_at", Day),
                ("expires_at", Start.AddDays(1)), ("wallet_paid_by", null)),
            RawRow.Of("orders", ("tenant_id", "default"), ("id", "order-legacy"), ("source", "x402"), ("purchase_id", "sig-legacy"),
                ("resource_id", "prod-1"), ("customer", "WalletLegacy"), ("status", "paid"), ("items", new RawJson(orderItems)),
                ("amount", 2_000_000L), ("amount_asset", "USDC"), ("customer_email", "old@example.com"),
                ("shipping", new RawJson("""{"name": "Ada", "city": "Lisbon", "zip": 1100, "address": {"line1": "Rua A"}}""")),
                ("metadata", new RawJson(LegacyMeta)), ("created_at", Day), ("updated_at", Day), ("status_updated_at", Day)),
            RawRow.Of("fulfillments", ("tenant_id", "default"), ("id", "ful-legacy"), ("order_id", "order-legacy"), ("status", "pending"),
                ("carrier", "UPS"), ("items", new RawJson(fulfillmentItems)), ("metadata", new RawJson(LegacyMeta)), ("created_at", Day)),
            RawRow.Of("products", ("tenant_id", "default"), ("id", "prod-1"), ("description", "Shirt"), ("stripe_price_id", "price_legacy"),
                ("metadata", new RawJson(LegacyMeta)), ("active", true), ("subscription_config", new RawJson(subscriptionConfig)),
                ("created_at", Day), ("updated_at", Day)),
            RawRow.Of("coupons", ("tenant_id", "default"), ("code", "LEGACY10"), ("discount_type", "percentage"), ("discount_value", 10.0),
                ("scope", "specific"), ("product_ids", new RawJson("""["prod-1", "prod-2"]""")), ("payment_method", ""), ("auto_apply", true),
                ("usage_count", 0), ("active", true), ("metadata", new RawJson(LegacyMeta)), ("created_at", Day), ("updated_at", Day)),
            RawRow.Of("refund_quotes", ("tenant_id", "default"), ("id", "refund-legacy"), ("original_purchase_id", "sig-legacy"),
                ("recipient_wallet", "WalletLegacy"), ("amount", 1_000_000L), ("amount_asset", "USDC"), ("token", "USDC"), ("token_decimals", 6),
                ("status", "pending"), ("metadata", new RawJson(LegacyMeta)), ("created_at", Day), ("expires_at", Start.AddDays(1))),
            // The seed's subscriptions and webhook_queue have no tenant_id: the migration makes those rows the default tenant's.
            RawRow.Of("subscriptions", ("id", "sub-legacy"), ("product_id", "prod-1"), ("wallet", "WalletLegacy"),
                ("stripe_subscription_id", "stripe-sub-legacy"), ("payment_method", "x402"), ("billing_period", "month"), ("billing_interval", 1),
                ("status", "active"), ("current_period_start", Day), ("current_period_end", Start.AddDays(20)), ("cancel_at_period_end", false),
                ("metadata", new RawJson(LegacyMeta)), ("created_at", Day), ("updated_at", Day)),
            RawRow.Of("payment_transactions", ("signature", "sig-legacy"), ("tenant_id", "default"), ("resource_id", "prod-1"),
                ("wallet", "WalletLegacy"), ("amount", 2_000_000L), ("amount_asset", "USDC"), ("created_at", Day),
                ("metadata", new RawJson(LegacyMeta))),
            RawRow.Of("stripe_sessions", ("id", "cs_legacy"), ("tenant_id", "default"), ("resource_id", "prod-1"), ("status", "pending"),
                ("amount_cents", 500L), ("currency", "usd"), ("metadata", new RawJson(LegacyMeta)), ("created_at", Day)),
            RawRow.Of("webhook_queue", ("id", "wh-legacy"), ("url", "https://example.com/hook"), ("payload", new RawJson("""{"a": 1}""")),
                ("headers", new RawJson("""{"X-Signature": "abc", "X-Attempt": 1}""")), ("event_type", "order.paid"), ("status", "pending"),
                ("attempts", 0), ("max_attempts", 5), ("next_attempt_at", Start.AddMinutes(-1)), ("created_at", Day)),
            RawRow.Of("idempotency_keys", ("tenant_id", "default"), ("key", "idem-legacy"), ("fingerprint", ""), ("status_code", 200),
                ("headers", new RawJson("""{"Content-Type": "application/json", "X-Count": 2}""")), ("body", "ok"u8.ToArray()),
                ("cached_at", Start.AddMinutes(-1)), ("expires_at", Start.AddHours(1)), ("live_until", Start.AddHours(1)),
                ("created_at", Start.AddMinutes(-1))),
        ];
    }

    private Task<LegacyDatabase> OpenAsync(Spelling s) => fixture.OpenWithRowsAsync(Rows(s), new FakeTimeProvider(Start));

    private static void AssertCart(CartQuote? cart)
    {
        Assert.NotNull(cart);
        Assert.Equal(2, cart.Items.Count);
        var first = cart.Items[0];
        Assert.Equal(("prod-1", 2, 1_500_000L, "USDC"), (first.ResourceId, first.Quantity, first.Price, first.Asset));
        Assert.Equal(new Dictionary<string, string> { ["size"] = "L", ["count"] = "3" }, first.Metadata);
        var second = cart.Items[1];
        Assert.Equal(("prod-2", 1, 250L, "USDC"), (second.ResourceId, second.Quantity, second.Price, second.Asset));
        Assert.NotNull(second.Metadata);
        Assert.Empty(second.Metadata);
        AssertLegacyMeta(cart.Metadata);
    }

    private static void AssertOrder(Order? order)
    {
        Assert.NotNull(order);
        var item = Assert.Single(order.Items);
        Assert.Equal(("prod-1", "red", 1, "Shirt", 2_000_000L, "USDC"), (item.ProductId, item.VariantId, item.Quantity, item.Name, item.UnitPrice, item.Asset));
        Assert.Equal(new Dictionary<string, string> { ["gift"] = "true" }, item.Metadata);
        Assert.NotNull(order.Shipping);
        Assert.Equal(["address", "city", "name", "zip"], order.Shipping.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(("Ada", "Lisbon", "1100"), (order.Shipping["name"], order.Shipping["city"], order.Shipping["zip"]));
        Assert.True(Spell.SameJson("""{"line1":"Rua A"}""", order.Shipping["address"]));
        AssertLegacyMeta(order.Metadata);
    }

    private static void AssertFulfillmentItems(Fulfillment? f)
    {
        Assert.NotNull(f);
        var item = Assert.Single(f.Items);
        Assert.Equal(("prod-1", "red", 1), (item.ProductId, item.VariantId, item.Quantity));
        AssertLegacyMeta(f.Metadata);
    }

    private static void AssertProduct(Product? p)
    {
        Assert.NotNull(p);
        Assert.Equal(new ProductSubscriptionConfig { BillingPeriod = "month", BillingInterval = 3, TrialDays = 14 }, p.SubscriptionConfig);
        AssertLegacyMeta(p.Metadata);
    }

    private static void AssertCoupon(Coupon? c)
    {
        Assert.NotNull(c);
        Assert.Equal(["prod-1", "prod-2"], c.ProductIds);
        AssertLegacyMeta(c.Metadata);
    }

    [Theory, MemberData(nameof(Spellings))]
    public async Task Cart_quotes_written_by_earlier_servers_are_read(Spelling s)
    {
        await using var db = await OpenAsync(s);
        var d = db.Storage.Default;
        AssertCart(await d.GetCartQuoteAsync("cart-legacy"));
        AssertCart(Assert.Single(await d.GetCartQuotesAsync(["cart-legacy"])));
    }

    [Theory, MemberData(nameof(Spellings))]
    public async Task Orders_written_by_earlier_servers_are_read_by_every_order_read(Spelling s)
    {
        await using var db = await OpenAsync(s);
        var d = db.Storage.Default;
        AssertOrder(await d.GetOrderAsync("order-legacy"));
        AssertOrder(await d.GetOrderByPurchaseAsync("x402", "sig-legacy"));
        AssertOrder(Assert.Single(await d.ListOrdersAsync(10, 0)));
        var all = await d.ListOrdersFilteredAsync(null, null, null, null, 10, 0);
        Assert.Equal(1, all.Total);
        AssertOrder(Assert.Single(all.Items));
        AssertOrder(Assert.Single((await d.ListOrdersFilteredAsync(OrderStatus.Paid, "legacy", Start, Day, 10, 0)).Items));
    }

    [Theory, MemberData(nameof(Spellings))]
    public async Task Fulfillments_written_by_earlier_servers_are_read_and_their_status_updated(Spelling s)
    {
        await using var db = await OpenAsync(s);
        var d = db.Storage.Default;
        AssertFulfillmentItems(await d.GetFulfillmentAsync("ful-legacy"));
        AssertFulfillmentItems(Assert.Single(await d.ListFulfillmentsAsync("order-legacy", 10)));

        var updated = await d.UpdateFulfillmentStatusAsync("ful-legacy", FulfillmentStatus.Shipped, Start, null, Start, "1Z999", null, null);
        AssertFulfillmentItems(updated);
        Assert.Equal((FulfillmentStatus.Shipped, "1Z999", "UPS"), (updated!.Status, updated.TrackingNumber, updated.Carrier));
        Assert.Equal(StorageJson.Serialize(updated), StorageJson.Serialize(await d.GetFulfillmentAsync("ful-legacy")));
        Assert.Equal("shipped", await db.ReadRawAsync("fulfillments", "status", "id", "ful-legacy"));
    }

    [Theory, MemberData(nameof(Spellings))]
    public async Task Products_and_coupons_written_by_earlier_servers_are_read(Spelling s)
    {
        await using var db = await OpenAsync(s);
        var d = db.Storage.Default;
        AssertProduct(await d.Products.GetProductAsync("prod-1"));
        AssertProduct(await d.Products.GetProductByStripePriceIdAsync("price_legacy"));
        AssertProduct(Assert.Single(await d.Products.ListProductsAsync()));
        AssertCoupon(await d.Coupons.GetCouponAsync("legacy10"));
        AssertCoupon(Assert.Single(await d.Coupons.ListCouponsAsync()));
        AssertCoupon(Assert.Single(await d.Coupons.GetAutoApplyCouponsForPaymentAsync("prod-2", "x402")));
        AssertCoupon(Assert.Single((await d.Coupons.GetAllAutoApplyCouponsForPaymentAsync("x402"))["prod-1"]));
    }

    [Theory, MemberData(nameof(Spellings))]
    public async Task Refunds_subscriptions_payments_sessions_webhooks_and_idempotency_keys_written_by_earlier_servers_are_read(Spelling s)
    {
        await using var db = await OpenAsync(s);
        var d = db.Storage.Default;
        AssertLegacyMeta((await d.GetRefundQuoteAsync("refund-legacy"))!.Metadata);
        AssertLegacyMeta((await d.GetRefundQuoteByOriginalPurchaseIdAsync("sig-legacy"))!.Metadata);
        AssertLegacyMeta(Assert.Single(await d.ListPendingRefundsAsync()).Metadata);
        AssertLegacyMeta((await d.Subscriptions.GetAsync("sub-legacy"))!.Metadata);
        AssertLegacyMeta(Assert.Single(await d.Subscriptions.ListActiveAsync()).Metadata);
        AssertLegacyMeta((await d.Subscriptions.GetByWalletAsync("WalletLegacy", "prod-1"))!.Metadata);
        AssertLegacyMeta((await d.GetPaymentAsync("sig-legacy"))!.Metadata);
        AssertLegacyMeta((await d.GetStripeSessionAsync("cs_legacy"))!.Metadata);

        var headers = new Dictionary<string, string> { ["X-Signature"] = "abc", ["X-Attempt"] = "1" };
        Assert.Equal(headers, (await d.GetWebhookAsync("wh-legacy"))!.Headers);
        Assert.Equal(headers, Assert.Single(await d.ListWebhooksAsync(null, 10)).Headers);
        var claimed = Assert.Single(await d.DequeueWebhooksAsync(10));
        Assert.Equal(headers, claimed.Headers);
        Assert.Equal(headers, (await d.MarkWebhookProcessingAsync("wh-legacy")).Headers);

        var cached = await d.GetIdempotencyKeyAsync("idem-legacy");
        Assert.NotNull(cached);
        Assert.Equal(new Dictionary<string, string> { ["Content-Type"] = "application/json", ["X-Count"] = "2" }, cached.Headers);
        Assert.Equal("ok"u8.ToArray(), cached.Body);
        var begun = await d.TryBeginIdempotentRequestAsync("idem-legacy", "fp", TimeSpan.FromMinutes(1));
        Assert.Equal(IdempotencyBeginOutcome.Completed, begun.Outcome);
        Assert.Equal(cached.Headers, begun.Response!.Headers);
    }

    [Theory, MemberData(nameof(Spellings))]
    public async Task A_legacy_row_saved_again_is_stored_in_the_one_canonical_form(Spelling s)
    {
        await using var db = await OpenAsync(s);
        var d = db.Storage.Default;

        var cart = (await d.GetCartQuoteAsync("cart-legacy"))!;
        await d.SaveCartQuoteAsync(cart);
        await AssertCanonicalAsync(db, "cart_quotes", "items", "id", "cart-legacy", cart.Items);
        await AssertCanonicalAsync(db, "cart_quotes", "metadata", "id", "cart-legacy", cart.Metadata);
        Assert.Equal(cart, await d.GetCartQuoteAsync("cart-legacy"), CartComparer);

        var product = (await d.Products.GetProductAsync("prod-1"))!;
        await d.Products.UpdateProductAsync(product);
        await AssertCanonicalAsync(db, "products", "subscription_config", "id", "prod-1", product.SubscriptionConfig);
        await AssertCanonicalAsync(db, "products", "metadata", "id", "prod-1", product.Metadata);

        var coupon = (await d.Coupons.GetCouponAsync("LEGACY10"))!;
        await d.Coupons.UpdateCouponAsync(coupon);
        await AssertCanonicalAsync(db, "coupons", "product_ids", "code", "LEGACY10", coupon.ProductIds);
        await AssertCanonicalAsync(db, "coupons", "metadata", "code", "LEGACY10", coupon.Metadata);

        var refund = (await d.GetRefundQuoteAsync("refund-legacy"))!;
        await d.SaveRefundQuoteAsync(refund);
        await AssertCanonicalAsync(db, "refund_quotes", "metadata", "id", "refund-legacy", refund.Metadata);

        var sub = (await d.Subscriptions.GetAsync("sub-legacy"))!;
        await d.Subscriptions.UpdateAsync(sub);
        await AssertCanonicalAsync(db, "subscriptions", "metadata", "id", "sub-legacy", sub.Metadata);

        // A new order made from the legacy one's parts is written in snake_case too.
        var order = (await d.GetOrderAsync("order-legacy"))!;
        Assert.True(await d.TryStoreOrderAsync(order with { Id = "order-copy", PurchaseId = "sig-copy" }));
        await AssertCanonicalAsync(db, "orders", "items", "id", "order-copy", order.Items);
        await AssertCanonicalAsync(db, "orders", "shipping", "id", "order-copy", order.Shipping);
        var canonicalItems = await db.ReadRawAsync("orders", "items", "id", "order-copy");
        Assert.Contains("\"product_id\"", canonicalItems, StringComparison.Ordinal);
        Assert.Contains("\"unit_price\"", canonicalItems, StringComparison.Ordinal);
    }

    private static readonly IEqualityComparer<CartQuote?> CartComparer = EqualityComparer<CartQuote?>.Create(
        (a, b) => a is not null && b is not null && StorageJson.Serialize(a) == StorageJson.Serialize(b));

    /// <summary>The raw column equals the canonical serialisation, and every object key in it is snake_case.</summary>
    private static async Task AssertCanonicalAsync<T>(LegacyDatabase db, string table, string column, string keyColumn, string key, T value)
    {
        var raw = await db.ReadRawAsync(table, column, keyColumn, key);
        var canonical = StorageJson.Serialize(value);
        Assert.True(Spell.SameJson(canonical, raw), $"{table}.{column}: expected {canonical}, stored {raw}");
        // Metadata keys are data; every other key must be the snake_case form.
        if (column is "metadata" or "shipping") return;
        foreach (var name in Keys(JsonNode.Parse(raw!)))
            Assert.True(!name.Any(char.IsUpper), $"{table}.{column} has key {name}");
    }

    private static IEnumerable<string> Keys(JsonNode? node) => node switch
    {
        JsonObject o => o.Where(p => p.Key != "metadata").SelectMany(p => Keys(p.Value).Prepend(p.Key)),
        JsonArray a => a.SelectMany(Keys),
        _ => [],
    };

    [Fact]
    public async Task A_fulfillment_status_change_whose_row_cannot_be_read_writes_nothing()
    {
        var rows = Rows(Spelling.Snake);
        rows.Add(RawRow.Of("fulfillments", ("tenant_id", "default"), ("id", "ful-corrupt"), ("order_id", "order-legacy"), ("status", "pending"),
            ("items", new RawJson("""{"not": "a list"}""")), ("metadata", new RawJson("{}")), ("created_at", Day)));
        await using var db = await fixture.OpenWithRowsAsync(rows, new FakeTimeProvider(Start));
        var d = db.Storage.Default;

        var ex = await Assert.ThrowsAnyAsync<StorageException>(() =>
            d.UpdateFulfillmentStatusAsync("ful-corrupt", FulfillmentStatus.Shipped, Start, null, Start, "1Z999", null, null));
        Assert.Equal(StorageErrorKind.Internal, ex.Kind);
        Assert.Equal("pending", await db.ReadRawAsync("fulfillments", "status", "id", "ful-corrupt"));
        Assert.Null(await db.ReadRawAsync("fulfillments", "tracking_number", "id", "ful-corrupt"));
    }

    [Fact]
    public async Task A_webhook_claim_whose_row_cannot_be_read_claims_nothing()
    {
        await using var db = await fixture.OpenWithRowsAsync(
            [
                RawRow.Of("webhook_queue", ("id", "wh-corrupt"), ("url", "https://example.com/hook"), ("payload", new RawJson("{}")),
                    ("headers", new RawJson("[1, 2]")), ("event_type", "order.paid"), ("status", "pending"), ("attempts", 0), ("max_attempts", 5),
                    ("next_attempt_at", Start.AddMinutes(-1)), ("created_at", Day)),
                // Claimed in the same call, before the unreadable row: put back as they were too.
                RawRow.Of("webhook_queue", ("id", "wh-fine"), ("url", "https://example.com/hook"), ("payload", new RawJson("{}")),
                    ("headers", new RawJson("{}")), ("event_type", "order.paid"), ("status", "pending"), ("attempts", 0), ("max_attempts", 5),
                    ("next_attempt_at", Start.AddMinutes(-3)), ("created_at", Day)),
                RawRow.Of("webhook_queue", ("id", "wh-lapsed"), ("url", "https://example.com/hook"), ("payload", new RawJson("{}")),
                    ("headers", new RawJson("{}")), ("event_type", "order.paid"), ("status", "processing"), ("attempts", 2), ("max_attempts", 5),
                    ("next_attempt_at", Start.AddMinutes(-2)), ("created_at", Day), ("locked_until", Start.AddSeconds(-1)),
                    ("claim_token", "held-by-a-dead-worker")),
            ], new FakeTimeProvider(Start));
        var d = db.Storage.Default;

        async Task<string> ClaimColumnsAsync()
        {
            var text = new List<string?>();
            foreach (var id in new[] { "wh-corrupt", "wh-fine", "wh-lapsed" })
                foreach (var column in new[] { "status", "attempts", "last_attempt_at", "locked_until", "claim_token" })
                    text.Add($"{id}.{column}={await db.ReadRawAsync("webhook_queue", column, "id", id)}");
            return string.Join("; ", text);
        }
        var before = await ClaimColumnsAsync();

        Assert.Equal(StorageErrorKind.Internal, (await Assert.ThrowsAnyAsync<StorageException>(() => d.DequeueWebhooksAsync(10))).Kind);
        Assert.Equal(before, await ClaimColumnsAsync());
        Assert.Contains("wh-fine.status=pending", before, StringComparison.Ordinal);
        Assert.Equal(StorageErrorKind.Internal, (await Assert.ThrowsAnyAsync<StorageException>(() => d.MarkWebhookProcessingAsync("wh-corrupt"))).Kind);
        Assert.Equal("pending", await db.ReadRawAsync("webhook_queue", "status", "id", "wh-corrupt"));
        Assert.Equal("0", await db.ReadRawAsync("webhook_queue", "attempts", "id", "wh-corrupt"));
        Assert.Null(await db.ReadRawAsync("webhook_queue", "claim_token", "id", "wh-corrupt"));
        Assert.Null(await db.ReadRawAsync("webhook_queue", "locked_until", "id", "wh-corrupt"));
        Assert.Null(await db.ReadRawAsync("webhook_queue", "last_attempt_at", "id", "wh-corrupt"));
    }
}
