using Cedros.Storage.Configuration;
using Cedros.Storage.Sqlite;
using Cedros.Storage.Tests.Backends;
using Cedros.Storage.Tests.Concurrency;
using Microsoft.Data.Sqlite;

namespace Cedros.Storage.Tests.Sqlite;

/// <summary>Versioned migrations on SQLite: fresh files, re-runs, tampering, concurrent migrators, schema mapping.</summary>
public sealed class SqliteMigrationTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    private static SqliteConnection Raw(string path)
    {
        var c = new SqliteConnection($"Data Source={path};Pooling=False");
        c.Open();
        return c;
    }

    private static List<(long Version, string Name, string Checksum, long AppliedAt)> History(string path, string table = "schema_migrations")
    {
        using var c = Raw(path);
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT version, name, checksum, applied_at FROM \"{table}\" ORDER BY version";
        using var r = cmd.ExecuteReader();
        var rows = new List<(long, string, string, long)>();
        while (r.Read()) rows.Add((r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetInt64(3)));
        return rows;
    }

    private static HashSet<string> Objects(string path, string type)
    {
        using var c = Raw(path);
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT name FROM sqlite_master WHERE type = @type";
        cmd.Parameters.AddWithValue("@type", type);
        using var r = cmd.ExecuteReader();
        var names = new HashSet<string>(StringComparer.Ordinal);
        while (r.Read()) names.Add(r.GetString(0));
        return names;
    }

    [Fact]
    public async Task A_fresh_file_is_created_in_WAL_mode_with_every_table_and_the_seed_index_names()
    {
        var path = fixture.NewPath();
        await using (await SqliteStorage.OpenAsync(fixture.NewOptions(path))) { }

        var history = History(path);
        Assert.Equal(SqliteMigrator.Scripts.Select(s => (long)s.Version), history.Select(h => h.Version));
        Assert.All(history, h => Assert.Equal(64, h.Checksum.Length));
        var tables = Objects(path, "table");
        foreach (var t in new[] { "payment_transactions", "payment_transactions_archive", "stripe_sessions", "products", "coupons",
                     "cart_quotes", "refund_quotes", "admin_nonces", "webhook_queue", "orders", "order_history", "fulfillments",
                     "inventory_reservations", "subscriptions", "idempotency_keys", "schema_migrations" })
            Assert.Contains(t, tables);
        var indexes = Objects(path, "index");
        foreach (var i in new[] { "idx_stripe_sessions_tenant_resource", "idx_payment_transactions_tenant_wallet", "idx_cart_quotes_tenant_expires",
                     "idx_refund_quotes_tenant_original", "orders_tenant_source_purchase_uidx", "orders_tenant_created_at_idx",
                     "order_history_tenant_order_idx", "fulfillments_tenant_order_idx", "inventory_reservations_tenant_cart_idx",
                     "idx_admin_nonces_tenant_expires", "idx_webhook_queue_status", "idx_products_tenant_stripe", "idx_coupons_auto_apply",
                     "idx_subscriptions_wallet_product" })
            Assert.Contains(i, indexes);
        using var c = Raw(path);
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", cmd.ExecuteScalar() as string);
    }

    [Fact]
    public async Task The_order_search_index_follows_every_order_and_a_search_plan_reads_it()
    {
        var path = fixture.NewPath();
        await using (var storage = await SqliteStorage.OpenAsync(fixture.NewOptions(path)))
        {
            var now = DateTimeOffset.UtcNow;
            await storage.ForTenant("tenant-a").TryStoreOrderAsync(Conformance.Make.Order(now, id: "ord-Haystack-1"));
            await storage.ForTenant("tenant-b").TryStoreOrderAsync(Conformance.Make.Order(now, id: "ord-Haystack-2"));
            await storage.ForTenant("tenant-a").TryStoreOrderAsync(Conformance.Make.Order(now, id: "ord-other"));
            Assert.Equal(1, (await storage.ForTenant("tenant-a").ListOrdersFilteredAsync(null, "haystack", null, null, 10, 0)).Total);
        }
        using var c = Raw(path);
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT group_concat(tenant_id || '/' || order_id, ',') FROM orders_search WHERE orders_search MATCH '\"haystack\"'";
        Assert.Equal("tenant-a/ord-Haystack-1,tenant-b/ord-Haystack-2", cmd.ExecuteScalar() as string);
        cmd.CommandText = "UPDATE orders SET customer = 'Needle Person' WHERE id = 'ord-other'";
        cmd.ExecuteNonQuery();
        cmd.CommandText = "SELECT count(*) FROM orders_search WHERE orders_search MATCH '\"needle pers\"'";
        Assert.Equal(1L, cmd.ExecuteScalar());
        cmd.CommandText = "DELETE FROM orders WHERE id = 'ord-other'";
        cmd.ExecuteNonQuery();
        cmd.CommandText = "SELECT count(*) FROM orders_search";
        Assert.Equal(2L, cmd.ExecuteScalar());

        // White box: the search reads the index for an ASCII term of 3+ characters (an order missing from the index is
        // not found), and scans for shorter terms.
        cmd.CommandText = "DELETE FROM orders_search WHERE order_id = 'ord-Haystack-1'";
        cmd.ExecuteNonQuery();
        await using var reopened = await SqliteStorage.OpenAsync(fixture.NewOptions(path));
        Assert.Equal(0, (await reopened.ForTenant("tenant-a").ListOrdersFilteredAsync(null, "haystack", null, null, 10, 0)).Total);
        Assert.Equal(1, (await reopened.ForTenant("tenant-a").ListOrdersFilteredAsync(null, "ys", null, null, 10, 0)).Total);
    }

    [Fact]
    public async Task Migrations_0004_and_0005_index_the_orders_already_in_the_file_and_new_ones_follow()
    {
        var path = fixture.NewPath();
        var now = DateTimeOffset.UtcNow;
        await using (var storage = await SqliteStorage.OpenAsync(fixture.NewOptions(path)))
        {
            await storage.ForTenant("tenant-a").TryStoreOrderAsync(Conformance.Make.Order(now, id: "ord-Haystack-1"));
            await storage.ForTenant("tenant-b").TryStoreOrderAsync(Conformance.Make.Order(now, id: "ord-Haystack-2"));
            await storage.ForTenant("tenant-a").TryStoreOrderAsync(Conformance.Make.Order(now, id: "ord-Haystack-3"));
        }
        using (var c = Raw(path))
        using (var cmd = c.CreateCommand())
        {
            // The file as it was before 0004 (its index and 0005's gone, their history rows removed), orders kept.
            cmd.CommandText = "DROP TABLE orders_search; DROP TABLE orders_search_tenants; DROP TABLE orders_search_resources; " +
                "DROP TABLE orders_search_resource_text; DROP INDEX orders_tenant_resource_created_idx; DELETE FROM schema_migrations WHERE version >= 4;";
            cmd.ExecuteNonQuery();
        }

        await using var reopened = await SqliteStorage.OpenAsync(fixture.NewOptions(path));
        Assert.Equal(2, (await reopened.ForTenant("tenant-a").ListOrdersFilteredAsync(null, "HAYSTACK", null, null, 10, 0)).Total);
        Assert.Equal(1, (await reopened.ForTenant("tenant-b").ListOrdersFilteredAsync(null, "haystack", null, null, 10, 0)).Total);
        Assert.Equal(2, (await reopened.ForTenant("tenant-a").ListOrdersFilteredAsync(null, "PROD-1", null, null, 10, 0)).Total);
        await reopened.ForTenant("tenant-b").TryStoreOrderAsync(Conformance.Make.Order(now, id: "ord-Haystack-4"));
        await reopened.ForTenant("tenant-c").TryStoreOrderAsync(Conformance.Make.Order(now, id: "ord-Haystack-5"));
        Assert.Equal(2, (await reopened.ForTenant("tenant-b").ListOrdersFilteredAsync(null, "haystack", null, null, 10, 0)).Total);
        Assert.Equal(1, (await reopened.ForTenant("tenant-c").ListOrdersFilteredAsync(null, "haystack", null, null, 10, 0)).Total);
        Assert.Equal(2, (await reopened.ForTenant("tenant-a").ListOrdersFilteredAsync(null, "haystack", null, null, 10, 0)).Total);
        Assert.Equal(0, (await reopened.ForTenant("tenant-d").ListOrdersFilteredAsync(null, "haystack", null, null, 10, 0)).Total);
    }

    [Fact]
    public async Task A_migration_adding_an_index_to_an_analysed_file_gives_the_index_statistics_and_an_unanalysed_file_stays_so()
    {
        var analysed = fixture.NewPath();
        var plain = fixture.NewPath();
        foreach (var path in new[] { analysed, plain })
        {
            await using (var storage = await SqliteStorage.OpenAsync(fixture.NewOptions(path)))
                await storage.ForTenant("tenant-a").TryStoreOrderAsync(Conformance.Make.Order(DateTimeOffset.UtcNow, id: "ord-1"));
            using var c = Raw(path);
            using var cmd = c.CreateCommand();
            // The file as it was before 0005 (its history row removed, its new index gone), analysed or not.
            cmd.CommandText = (path == analysed ? "ANALYZE; " : "") +
                "DROP INDEX orders_tenant_resource_created_idx; DELETE FROM schema_migrations WHERE version = 5;";
            cmd.ExecuteNonQuery();
        }

        await using (await SqliteStorage.OpenAsync(fixture.NewOptions(analysed)))
        await using (await SqliteStorage.OpenAsync(fixture.NewOptions(plain)))
        {
        }
        using (var c = Raw(analysed))
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "SELECT count(*) FROM sqlite_stat1 WHERE idx = 'orders_tenant_resource_created_idx'";
            Assert.Equal(1L, cmd.ExecuteScalar());
        }
        using (var c = Raw(plain))
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'";
            Assert.Equal(0L, cmd.ExecuteScalar());
        }
    }

    [Fact]
    public async Task Opening_again_applies_nothing_and_keeps_the_data()
    {
        var path = fixture.NewPath();
        await using (var first = await SqliteStorage.OpenAsync(fixture.NewOptions(path)))
            await first.Default.RecordPaymentAsync(new PaymentTransaction { Signature = "kept", ResourceId = "r" });
        var before = History(path);

        await using var second = await SqliteStorage.OpenAsync(fixture.NewOptions(path));
        await second.MigrateAsync();
        Assert.Equal(before, History(path));
        Assert.True(await second.Default.HasPaymentBeenProcessedAsync("kept"));
    }

    [Fact]
    public async Task A_changed_applied_migration_fails_startup_with_a_clear_error()
    {
        var path = fixture.NewPath();
        await using (await SqliteStorage.OpenAsync(fixture.NewOptions(path))) { }
        using (var c = Raw(path))
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "UPDATE schema_migrations SET checksum = 'tampered' WHERE version = 1";
            cmd.ExecuteNonQuery();
        }

        var error = await Assert.ThrowsAnyAsync<StorageException>(() => SqliteStorage.OpenAsync(fixture.NewOptions(path)));
        Assert.Contains("0001_schema", error.Message, StringComparison.Ordinal);
        Assert.Contains("changed after it was applied", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Root, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_migrated_by_a_release_with_the_earlier_spelling_of_0001_opens()
    {
        // Releases before the one template syntax recorded 0001's checksum over its {T:entity} spelling.
        var path = fixture.NewPath();
        await using (await SqliteStorage.OpenAsync(fixture.NewOptions(path))) { }
        using (var c = Raw(path))
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "UPDATE schema_migrations SET checksum = '0f68623e8e4774c9710d8068662215bb80190f81e09518719c8996db13afc181' WHERE version = 1";
            Assert.Equal(1, cmd.ExecuteNonQuery());
        }

        await using var storage = await SqliteStorage.OpenAsync(fixture.NewOptions(path));
        Assert.True(await storage.Default.TryStoreOrderAsync(Conformance.Make.Order(DateTimeOffset.UtcNow)));
    }

    [Fact]
    public async Task A_database_from_a_newer_library_version_is_refused()
    {
        var path = fixture.NewPath();
        await using (await SqliteStorage.OpenAsync(fixture.NewOptions(path))) { }
        using (var c = Raw(path))
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "INSERT INTO schema_migrations VALUES (9999, 'future', 'x', 0)";
            cmd.ExecuteNonQuery();
        }
        var error = await Assert.ThrowsAnyAsync<StorageException>(() => SqliteStorage.OpenAsync(fixture.NewOptions(path)));
        Assert.Contains("newer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Many_storages_migrating_one_fresh_file_at_once_apply_each_version_once()
    {
        var path = fixture.NewPath();
        var opened = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() => SqliteStorage.OpenAsync(fixture.NewOptions(path)))));
        foreach (var s in opened) await s.DisposeAsync();
        Assert.Equal(SqliteMigrator.Scripts.Count, History(path).Count);
    }

    [Fact]
    public async Task Several_processes_migrating_one_fresh_file_at_once_apply_each_version_once()
    {
        var target = await fixture.CreateProcessTargetAsync();
        var workers = Enumerable.Range(0, 4).Select(_ => WorkerProcess.Start(target, "migrate")).ToArray();
        try
        {
            await Task.WhenAll(workers.Select(w => w.WaitExitAsync()));
        }
        finally
        {
            foreach (var w in workers) w.Dispose();
        }
        Assert.Equal(SqliteMigrator.Scripts.Count, History(target.Connection).Count);
    }

    [Fact]
    public async Task A_schema_qualified_table_name_is_refused_at_open_naming_the_key()
    {
        var options = fixture.NewOptions(fixture.NewPath());
        options.SchemaMapping.Orders = "shop.orders";
        var error = await Assert.ThrowsAsync<StorageConfigurationException>(() => SqliteStorage.OpenAsync(options));
        Assert.Contains("storage.schema_mapping", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_invalid_table_name_is_refused_at_open_naming_the_key()
    {
        var options = fixture.NewOptions(fixture.NewPath());
        options.SchemaMapping.Payments = "pay\"ments; DROP TABLE x";
        var error = await Assert.ThrowsAsync<StorageConfigurationException>(() => SqliteStorage.OpenAsync(options));
        Assert.Contains("storage.schema_mapping.payments.table_name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Renamed_tables_get_their_own_tables_and_derived_index_names()
    {
        var renamed = new RenamedSqliteFixture();
        try
        {
            var path = renamed.NewPath();
            await using (await SqliteStorage.OpenAsync(renamed.NewOptions(path))) { }
            var tables = Objects(path, "table");
            Assert.Contains("cx_orders", tables);
            Assert.Contains("cx_payment_transactions_archive", tables);
            Assert.DoesNotContain("orders", tables);
            Assert.Contains("cx_orders_tenant_source_purchase_uidx", Objects(path, "index"));
            Assert.Equal(SqliteMigrator.Scripts.Count, History(path, "cx_schema_migrations").Count);
        }
        finally
        {
            renamed.Dispose();
        }
    }
}
