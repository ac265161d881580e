using Cedros.Storage.Postgres;
using Cedros.Storage.Tests.Backends;
using Cedros.Storage.Tests.Conformance;

namespace Cedros.Storage.Tests.Postgres;

/// <summary>
/// A reservation sums its product's unexpired units under the product's lock. With statistics taken while every active
/// reservation had expired, PostgreSQL estimated that none was unexpired and read every active reservation of every
/// product through the expiry index (the cleanup's) instead of the product's range (migration 0007). The sum must read
/// the stock index whatever the statistics say.
/// </summary>
public sealed class PostgresStockPlanTests(PostgresFixture fixture) : IClassFixture<PostgresFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_reservation_counts_stock_by_the_products_range_even_with_statistics_older_than_every_unexpired_reservation()
    {
        var cs = await fixture.CreateSchemaAsync();
        var storage = await PostgresStorage.OpenAsync(fixture.Options(cs), new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Now));
        await PostgresLegacyDatabase.ExecAsync(cs, """
            ALTER TABLE inventory_reservations SET (autovacuum_enabled = false);
            INSERT INTO inventory_reservations (id, tenant_id, product_id, quantity, expires_at, cart_id, status, created_at)
            SELECT 'old-' || g, 'tenant-a', 'prod-' || (g % 40), 1, '2026-03-01 10:00:00+00', 'cart-old-' || g, 'active', '2026-03-01 09:00:00+00'
              FROM generate_series(1, 4000) AS g;
            ANALYZE inventory_reservations;
            DELETE FROM inventory_reservations;
            INSERT INTO inventory_reservations (id, tenant_id, product_id, quantity, expires_at, cart_id, status, created_at)
            SELECT 'new-' || g, 'tenant-a', 'prod-' || (g % 40), 1, '2026-03-01 12:30:00+00', 'cart-new-' || g, 'active', '2026-03-01 11:55:00+00'
              FROM generate_series(1, 4000) AS g;
            """);

        var tenant = storage.ForTenant("tenant-a");
        for (var i = 0; i < 12; i++)
            await tenant.ReserveInventoryAsync(Make.Reservation(Now, productId: "prod-" + (i % 40)), 1_000_000);
        // Closing the storage ends its server sessions, which flushes their index statistics.
        await storage.DisposeAsync();

        var scans = await PostgresIndexScans.ReadAsync(cs, "inventory_reservations",
            s => s.GetValueOrDefault("inventory_reservations_active_stock_expires_idx") >= 12);
        Assert.True(scans.GetValueOrDefault("inventory_reservations_active_stock_expires_idx") >= 12, Describe(scans));
        Assert.True(scans.GetValueOrDefault("inventory_reservations_active_expires_idx") == 0, Describe(scans));
    }

    private static string Describe(Dictionary<string, long> scans) => PostgresIndexScans.Describe(scans);
}
