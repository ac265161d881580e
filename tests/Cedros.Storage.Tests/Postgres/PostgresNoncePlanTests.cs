using Cedros.Storage.Postgres;
using Cedros.Storage.Tests.Backends;

namespace Cedros.Storage.Tests.Postgres;

/// <summary>
/// A nonce is consumed by its key. With statistics taken while every nonce had expired, PostgreSQL estimated that no
/// nonce was unexpired and could read the tenant's unexpired nonces through the expiry index instead of the one row
/// by its key: the bench saw a consume take 2.5 ms, growing with the table. The consumption must read the key whatever
/// the statistics say.
/// </summary>
public sealed class PostgresNoncePlanTests(PostgresFixture fixture) : IClassFixture<PostgresFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_nonce_is_consumed_by_its_key_even_with_statistics_older_than_every_unexpired_nonce()
    {
        var cs = await fixture.CreateSchemaAsync();
        var storage = await PostgresStorage.OpenAsync(fixture.Options(cs), new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Now));
        await PostgresLegacyDatabase.ExecAsync(cs, """
            ALTER TABLE admin_nonces SET (autovacuum_enabled = false);
            INSERT INTO admin_nonces (id, tenant_id, purpose, created_at, expires_at)
            SELECT 'old-' || g, 'tenant-a', 'admin', '2026-03-01 09:00:00', '2026-03-01 10:00:00' FROM generate_series(1, 4000) AS g;
            ANALYZE admin_nonces;
            DELETE FROM admin_nonces;
            INSERT INTO admin_nonces (id, tenant_id, purpose, created_at, expires_at)
            SELECT 'new-' || g, 'tenant-a', 'admin', '2026-03-01 11:55:00', '2026-03-01 12:30:00' FROM generate_series(1, 4000) AS g;
            """);
        // Each create checks the key (ON CONFLICT) and each consumption reads it: 24 scans of the key.
        var scans = await PostgresIndexScans.DuringAsync(cs, "admin_nonces", "admin_nonces_pkey", 24, async () =>
        {
            var tenant = storage.ForTenant("tenant-a");
            for (var i = 0; i < 12; i++)
            {
                var nonce = Conformance.Make.Nonce(Now, purpose: "admin");
                await tenant.CreateNonceAsync(nonce);
                await tenant.ConsumeNonceAsync(nonce.Id, "admin");
            }
            await storage.DisposeAsync();
        });
        Assert.True(scans.GetValueOrDefault("admin_nonces_pkey") >= 24, PostgresIndexScans.Describe(scans));
        Assert.True(scans.GetValueOrDefault("idx_admin_nonces_expires") == 0, PostgresIndexScans.Describe(scans));
    }
}
