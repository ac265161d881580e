using Cedros.Storage.Postgres;
using Cedros.Storage.Tests.Backends;
using Cedros.Storage.Tests.Conformance;

namespace Cedros.Storage.Tests.Postgres;

/// <summary>
/// An idempotency key is completed and read by its key. With statistics taken while every key had lapsed, PostgreSQL
/// could estimate that no key was live and read every live key through the cleanup's <c>live_until</c> index instead of
/// the one row by its key (as it did for nonces: <see cref="PostgresNoncePlanTests"/>). The key must be read whatever
/// the statistics say.
/// </summary>
public sealed class PostgresIdempotencyPlanTests(PostgresFixture fixture) : IClassFixture<PostgresFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_key_is_completed_and_read_by_its_key_even_with_statistics_older_than_every_live_key()
    {
        var cs = await fixture.CreateSchemaAsync();
        var storage = await PostgresStorage.OpenAsync(fixture.Options(cs), new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Now));
        await PostgresLegacyDatabase.ExecAsync(cs, """
            ALTER TABLE idempotency_keys SET (autovacuum_enabled = false);
            INSERT INTO idempotency_keys (tenant_id, key, live_until, created_at)
            SELECT 'tenant-a', 'old-' || g, '2026-03-01 10:00:00+00', '2026-03-01 09:00:00+00' FROM generate_series(1, 4000) AS g;
            ANALYZE idempotency_keys;
            DELETE FROM idempotency_keys;
            INSERT INTO idempotency_keys (tenant_id, key, live_until, created_at)
            SELECT 'tenant-a', 'new-' || g, '2026-03-01 12:30:00+00', '2026-03-01 11:55:00+00' FROM generate_series(1, 4000) AS g;
            """);
        // Each begin checks the key (ON CONFLICT), each completion and each read reads it: 36 scans of the key.
        var scans = await PostgresIndexScans.DuringAsync(cs, "idempotency_keys", "idempotency_keys_pkey", 36, async () =>
        {
            var tenant = storage.ForTenant("tenant-a");
            for (var i = 0; i < 12; i++)
            {
                var key = "key-" + i;
                var begun = await tenant.TryBeginIdempotentRequestAsync(key, "fingerprint", TimeSpan.FromMinutes(1));
                Assert.Equal(IdempotencyBeginOutcome.Started, begun.Outcome);
                await tenant.CompleteIdempotentRequestAsync(key, begun.LockToken!, Make.Response(Now), TimeSpan.FromHours(1));
                Assert.NotNull(await tenant.GetIdempotencyKeyAsync(key));
            }
            await storage.DisposeAsync();
        });
        Assert.True(scans.GetValueOrDefault("idempotency_keys_pkey") >= 36, PostgresIndexScans.Describe(scans));
        Assert.True(scans.GetValueOrDefault("idx_idempotency_keys_live_until") == 0, PostgresIndexScans.Describe(scans));
    }
}
