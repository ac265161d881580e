using Cedros.Storage.Postgres;
using Cedros.Storage.Tests.Backends;

namespace Cedros.Storage.Tests.Postgres;

/// <summary>
/// A refund's payout is claimed by the refund's key. The claim also asks that the quote has not expired, and
/// <c>refund_quotes</c> has a <c>(tenant_id, expires_at)</c> index: with statistics taken while every quote had expired,
/// PostgreSQL could read the tenant's unexpired quotes through it instead of the one row by its key (as it did for
/// nonces: <see cref="PostgresNoncePlanTests"/>). The claim must read the key whatever the statistics say.
/// </summary>
public sealed class PostgresRefundPayoutPlanTests(PostgresFixture fixture) : IClassFixture<PostgresFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_payout_is_claimed_by_the_refund_key_even_with_statistics_older_than_every_unexpired_quote()
    {
        var cs = await fixture.CreateSchemaAsync();
        var storage = await PostgresStorage.OpenAsync(fixture.Options(cs), new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Now));
        await PostgresLegacyDatabase.ExecAsync(cs, """
            ALTER TABLE refund_quotes SET (autovacuum_enabled = false);
            INSERT INTO refund_quotes (id, tenant_id, original_purchase_id, amount, status, created_at, expires_at)
            SELECT 'old-' || g, 'tenant-a', 'purchase-' || g, 1000, 'pending', '2026-03-01 09:00:00', '2026-03-01 10:00:00'
              FROM generate_series(1, 4000) AS g;
            ANALYZE refund_quotes;
            DELETE FROM refund_quotes;
            INSERT INTO refund_quotes (id, tenant_id, original_purchase_id, amount, status, created_at, expires_at)
            SELECT 'new-' || g, 'tenant-a', 'purchase-' || g, 1000, 'pending', '2026-03-01 11:55:00', '2026-03-01 13:00:00'
              FROM generate_series(1, 4000) AS g;
            """);
        // Each claim updates the quote by its key and checks that it exists by its key: 24 scans of the key.
        var scans = await PostgresIndexScans.DuringAsync(cs, "refund_quotes", "refund_quotes_pkey", 24, async () =>
        {
            var tenant = storage.ForTenant("tenant-a");
            for (var i = 1; i <= 12; i++)
                Assert.NotNull(await tenant.TryBeginRefundPayoutAsync("new-" + i, "admin", TimeSpan.FromMinutes(5)));
            await storage.DisposeAsync();
        });
        Assert.True(scans.GetValueOrDefault("refund_quotes_pkey") >= 24, PostgresIndexScans.Describe(scans));
        Assert.True(scans.GetValueOrDefault("idx_refund_quotes_tenant_expires") == 0, PostgresIndexScans.Describe(scans));
    }
}
