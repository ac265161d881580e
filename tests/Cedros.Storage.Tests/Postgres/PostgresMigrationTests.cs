using Cedros.Storage.Postgres;
using Cedros.Storage.Tests.Backends;
using Npgsql;

namespace Cedros.Storage.Tests.Postgres;

public sealed class PostgresMigrationTests(PostgresFixture fixture) : IClassFixture<PostgresFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static async Task<long> ScalarAsync(string cs, string sql)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task ExecAsync(string cs, string sql)
    {
        await using var conn = new NpgsqlConnection(cs);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, conn);
        await cmd.ExecuteNonQueryAsync();
    }

    private async Task<PostgresStorage> OpenAsync(string cs) =>
        await PostgresStorage.OpenAsync(fixture.Options(cs), new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Now));

    [Fact]
    public async Task A_fresh_schema_gets_every_seed_index_and_one_history_row_per_migration()
    {
        var cs = await fixture.CreateSchemaAsync();
        await using (await OpenAsync(cs))
        {
        }
        Assert.Equal(PostgresMigrator.All.Count, await ScalarAsync(cs, "SELECT count(*) FROM schema_migrations"));
        string[] seedIndexes =
        [
            "idx_stripe_sessions_tenant_resource", "idx_stripe_sessions_tenant_status", "idx_payment_transactions_tenant",
            "idx_payment_transactions_tenant_resource", "idx_payment_transactions_tenant_wallet", "idx_payment_transactions_tenant_created",
            "idx_cart_quotes_tenant", "idx_cart_quotes_tenant_expires", "idx_refund_quotes_tenant", "idx_refund_quotes_tenant_expires",
            "idx_refund_quotes_tenant_original", "orders_tenant_source_purchase_uidx", "orders_tenant_created_at_idx",
            "order_history_tenant_order_idx", "fulfillments_tenant_order_idx", "inventory_reservations_tenant_product_idx",
            "inventory_reservations_tenant_cart_idx", "idx_admin_nonces_tenant", "idx_admin_nonces_tenant_expires", "idx_webhook_queue_status",
            "idx_webhook_queue_created", "idx_webhook_queue_completed", "idx_products_tenant", "idx_products_tenant_active",
            "idx_products_tenant_stripe", "idx_coupons_active", "idx_coupons_auto_apply", "idx_coupons_expires", "idx_coupons_product_ids",
            "idx_subscriptions_wallet_product", "idx_subscriptions_stripe_customer", "idx_subscriptions_status", "idx_subscriptions_period_end",
        ];
        foreach (var index in seedIndexes)
            Assert.True(await ScalarAsync(cs, $"SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema() AND indexname = '{index}'") == 1, index);
    }

    [Fact]
    public async Task The_backend_factory_opens_a_migrated_storage()
    {
        var cs = await fixture.CreateSchemaAsync();
        var factory = new PostgresBackendFactory();
        Assert.Equal(Cedros.Storage.Configuration.StorageBackend.Postgres, factory.Backend);
        await using var storage = await factory.OpenAsync(fixture.Options(cs), TimeProvider.System);
        Assert.Equal(PostgresMigrator.All.Count, await ScalarAsync(cs, "SELECT count(*) FROM schema_migrations"));
    }

    [Fact]
    public async Task Migrating_again_is_a_no_op()
    {
        var cs = await fixture.CreateSchemaAsync();
        await using var storage = await OpenAsync(cs);
        var before = await ScalarAsync(cs, "SELECT count(*) FROM schema_migrations");
        await storage.MigrateAsync();
        await using (await OpenAsync(cs))
        {
        }
        Assert.Equal(before, await ScalarAsync(cs, "SELECT count(*) FROM schema_migrations"));
    }

    [Fact]
    public async Task Concurrent_migrators_apply_each_migration_once()
    {
        var cs = await fixture.CreateSchemaAsync();
        var storages = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => OpenAsync(cs))));
        foreach (var s in storages) await s.DisposeAsync();
        Assert.Equal(PostgresMigrator.All.Count, await ScalarAsync(cs, "SELECT count(*) FROM schema_migrations"));
        Assert.Equal(PostgresMigrator.All.Count, await ScalarAsync(cs, "SELECT count(DISTINCT version) FROM schema_migrations"));
    }

    [Fact]
    public async Task A_migration_changed_after_it_was_applied_fails_start_up_with_a_clear_error()
    {
        var cs = await fixture.CreateSchemaAsync();
        await using (await OpenAsync(cs))
        {
        }
        await ExecAsync(cs, "UPDATE schema_migrations SET checksum = 'tampered' WHERE version = 2");
        var ex = await Assert.ThrowsAnyAsync<StorageException>(() => OpenAsync(cs));
        Assert.Contains("0002", ex.Message, StringComparison.Ordinal);
        Assert.Contains("changed after it was applied", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_database_made_by_the_seed_DDL_with_rows_is_upgraded_in_place_and_its_rows_stay_readable()
    {
        var cs = await fixture.CreateSchemaAsync();
        await ExecAsync(cs, SeedDdl.Sql);
        await ExecAsync(cs, """
            INSERT INTO payment_transactions VALUES ('sig-old', NULL, 'prod-1', 'WalletA', 1000000, 'USDC', '2026-01-02 03:04:05.123456', '{"k":"v"}');
            INSERT INTO cart_quotes VALUES ('cart-old', 'default', '[{"resource_id":"prod-1","quantity":2,"price":100,"asset":"USDC"}]', 200, 'USDC',
                '{}', '2026-01-01 10:00:00', '2026-01-01 10:15:00', 'WalletPaid');
            INSERT INTO orders (id, tenant_id, source, purchase_id, resource_id, status, items, amount, amount_asset, created_at)
                VALUES ('order-old', 'default', 'x402', 'sig-old', 'prod-1', 'paid', '[]', 1000000, 'USDC', '2026-01-02 03:04:05+00');
            INSERT INTO coupons (code, tenant_id, discount_type, discount_value, scope, product_ids, payment_method, auto_apply, usage_limit,
                usage_count, active, metadata, created_at, updated_at)
                VALUES ('SAVE10', NULL, 'percentage', 10, 'all', '[]', '', false, 5, 1, true, '{}', '2026-01-01', '2026-01-01');
            INSERT INTO webhook_queue (id, url, payload, headers, event_type, status, attempts, max_attempts, next_attempt_at, created_at)
                VALUES ('wh-old', 'https://example.com/hook', '{"a": 1}', '{}', 'order.paid', 'pending', 0, 5, '2026-01-01', '2026-01-01');
            INSERT INTO products (id, tenant_id, description, active, metadata, created_at, updated_at)
                VALUES ('prod-1', NULL, 'Shirt', true, '{}', '2026-01-01', '2026-01-01');
            INSERT INTO subscriptions (id, product_id, wallet, stripe_subscription_id, status, current_period_start, current_period_end,
                created_at, updated_at)
                VALUES ('sub-old', 'prod-1', 'WalletS', 'stripe-sub-1', 'active', '2026-02-01+00', '2026-04-01+00', '2026-02-01+00', '2026-02-01+00');
            INSERT INTO admin_nonces (id, purpose, created_at, expires_at) VALUES ('nonce-old', 'approve-refund', '2026-03-01 11:59:00', '2026-03-01 13:00:00');
            """);
        string[] tables = ["payment_transactions", "cart_quotes", "orders", "coupons", "webhook_queue", "products", "subscriptions", "admin_nonces"];
        var counts = new Dictionary<string, long>();
        foreach (var t in tables) counts[t] = await ScalarAsync(cs, $"SELECT count(*) FROM {t}");

        await using var storage = await OpenAsync(cs);
        foreach (var t in tables) Assert.Equal(counts[t], await ScalarAsync(cs, $"SELECT count(*) FROM {t}"));
        Assert.Equal(0, await ScalarAsync(cs, "SELECT count(*) FROM payment_transactions WHERE tenant_id IS NULL"));

        var d = storage.Default;
        var payment = await d.GetPaymentAsync("sig-old");
        Assert.NotNull(payment);
        Assert.Equal(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1234560), payment.CreatedAt);
        Assert.Equal("v", payment.Metadata["k"]);
        await Assert.ThrowsAsync<PaymentReplayException>(() => d.RecordPaymentAsync(new PaymentTransaction { Signature = "sig-old", ResourceId = "prod-1" }));

        var cart = await d.GetCartQuoteAsync("cart-old");
        Assert.NotNull(cart);
        Assert.Equal(new DateTimeOffset(2026, 1, 1, 10, 0, 0, TimeSpan.Zero), cart.CreatedAt);
        Assert.Equal(2, cart.Items[0].Quantity);
        Assert.True(await d.HasCartAccessAsync("cart-old", "WalletPaid"));

        Assert.Equal(OrderStatus.Paid, (await d.GetOrderAsync("order-old"))!.Status);
        // Found by its resource id, which the upgrade copied into the table of resource ids (migration 0006).
        Assert.Equal(1, (await d.ListOrdersFilteredAsync(null, "PROD-", null, null, 10, 0)).Total);
        Assert.Equal(2, await d.Coupons.IncrementUsageAsync("save10"));
        Assert.Equal("{\"a\": 1}", (await d.GetWebhookAsync("wh-old"))!.Payload);
        Assert.Equal("Shirt", (await d.Products.GetProductAsync("prod-1"))!.Description);
        Assert.Equal("stripe-sub-1", (await d.Subscriptions.GetAsync("sub-old"))!.StripeSubscriptionId);
        await d.ConsumeNonceAsync("nonce-old", "approve-refund");

        // The adopted schema now has the contract's keys: another tenant can use the same ids.
        var b = storage.ForTenant("tenant-b");
        await b.Products.CreateProductAsync(new Product { Id = "prod-1", Description = "other tenant" });
        Assert.Equal("Shirt", (await d.Products.GetProductAsync("prod-1"))!.Description);
    }

    private const string TriggerState = """
        SELECT t.oid::bigint FROM pg_trigger t
         WHERE t.tgrelid = 'payment_transactions'::regclass AND t.tgname = 'cedros_archive_guard' AND t.tgenabled = 'O'
        """;

    [Fact]
    public async Task The_archive_guard_is_ensured_on_open_left_alone_when_it_matches_and_restored_when_dropped_or_disabled()
    {
        var cs = await fixture.CreateSchemaAsync();
        await using (await OpenAsync(cs))
        {
        }
        var trigger = await ScalarAsync(cs, TriggerState);
        var function = await ScalarAsync(cs, "SELECT 'payment_transactions_archive_guard()'::regprocedure::oid::bigint");
        var xmin = await ScalarAsync(cs, $"SELECT xmin::text::bigint FROM pg_proc WHERE oid = {function}");

        await using (await OpenAsync(cs))
        {
        }
        Assert.Equal(trigger, await ScalarAsync(cs, TriggerState));
        Assert.Equal(xmin, await ScalarAsync(cs, $"SELECT xmin::text::bigint FROM pg_proc WHERE oid = {function}"));

        await ExecAsync(cs, "ALTER TABLE payment_transactions DISABLE TRIGGER cedros_archive_guard");
        await using (await OpenAsync(cs))
        {
        }
        Assert.Equal(1, await ScalarAsync(cs, TriggerState.Replace("SELECT t.oid::bigint", "SELECT count(*)", StringComparison.Ordinal)));

        await ExecAsync(cs, "DROP TRIGGER cedros_archive_guard ON payment_transactions; DROP FUNCTION payment_transactions_archive_guard()");
        await using var storage = await OpenAsync(cs);
        Assert.Equal(1, await ScalarAsync(cs, TriggerState.Replace("SELECT t.oid::bigint", "SELECT count(*)", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_archive_guard_refuses_any_writer_that_inserts_an_archived_signature_into_the_ledger()
    {
        var cs = await fixture.CreateSchemaAsync();
        await using var storage = await OpenAsync(cs);
        await storage.Default.RecordPaymentAsync(new PaymentTransaction { Signature = "sig-archived", ResourceId = "prod-1", CreatedAt = Now.AddDays(-100) });
        Assert.Equal(1, await storage.Default.ArchiveOldPaymentsAsync(Now.AddDays(-90)));

        // A writer that skips the NOT EXISTS check (the seed's plain insert) is stopped by the trigger.
        var ex = await Assert.ThrowsAsync<PostgresException>(() => ExecAsync(cs,
            "INSERT INTO payment_transactions (signature, tenant_id, resource_id) VALUES ('sig-archived', 'other', 'x')"));
        Assert.Equal("23505", ex.SqlState);
        Assert.Equal("cedros_payment_archived", ex.ConstraintName);
        Assert.Equal(0, await ScalarAsync(cs, "SELECT count(*) FROM payment_transactions"));
        await ExecAsync(cs, "INSERT INTO payment_transactions (signature, tenant_id, resource_id) VALUES ('sig-new', 'other', 'x')");
    }

    [Fact]
    public async Task A_schema_qualified_ledger_and_archive_get_their_guard_in_the_ledgers_schema()
    {
        var cs = await fixture.CreateSchemaAsync();
        var schema = new NpgsqlConnectionStringBuilder(cs).SearchPath!.Split(',')[0];
        var options = fixture.Options(cs, o =>
        {
            o.SchemaMapping.Payments = $"{schema}.ledger_q";
            o.Archival.ArchiveTable = $"{schema}.ledger_q_cold";
        });
        await using var storage = await PostgresStorage.OpenAsync(options, new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Now));
        Assert.Equal(1, await ScalarAsync(cs, $"SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = '{schema}' AND p.proname = 'ledger_q_archive_guard'"));
        var old = new PaymentTransaction { Signature = "sig-q", ResourceId = "prod-1", CreatedAt = Now.AddDays(-100) };
        await storage.Default.RecordPaymentAsync(old);
        Assert.Equal(1, await storage.Default.ArchiveOldPaymentsAsync(Now.AddDays(-90)));
        Assert.False(await storage.ForTenant("b").TryRecordPaymentAsync(old));
        await Assert.ThrowsAsync<PostgresException>(() => ExecAsync(cs, $"INSERT INTO \"{schema}\".ledger_q (signature, tenant_id) VALUES ('sig-q', 'x')"));
    }
}
