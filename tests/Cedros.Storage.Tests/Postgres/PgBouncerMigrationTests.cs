using Cedros.Storage.Postgres;
using Cedros.Storage.Tests.Backends;
using Microsoft.Extensions.Time.Testing;

namespace Cedros.Storage.Tests.Postgres;

/// <summary>The migrator through PgBouncer in transaction mode: its lock is <c>pg_advisory_xact_lock</c>, held by the
/// server connection for exactly the transaction PgBouncer lends it, so it serialises migrators there as well (a
/// session-level lock would be taken on one pooled server connection and released, or not, on another).</summary>
public sealed class PgBouncerMigrationTests(PgBouncerFixture fixture) : IClassFixture<PgBouncerFixture>
{
    [Fact]
    public async Task Storages_opened_concurrently_through_pgbouncer_on_one_fresh_mapping_apply_each_migration_exactly_once()
    {
        var schema = await fixture.CreateSchemaAsync();
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero));
        var storages = await Task.WhenAll(Enumerable.Range(0, 8)
            .Select(_ => Task.Run(() => fixture.OpenTrackedAsync(PgBouncerFixture.Options(schema), schema, time))));
        foreach (var s in storages) await s.DisposeAsync();

        Assert.Equal(PostgresMigrator.All.Count, await fixture.ScalarAsync($"SELECT count(*) FROM \"{schema}\".schema_migrations"));
        Assert.Equal(PostgresMigrator.All.Count, await fixture.ScalarAsync($"SELECT count(DISTINCT version) FROM \"{schema}\".schema_migrations"));
        // One archive guard trigger on the ledger, made under the same lock.
        Assert.Equal(1, await fixture.ScalarAsync(
            $"SELECT count(*) FROM pg_trigger WHERE tgrelid = '\"{schema}\".payment_transactions'::regclass AND NOT tgisinternal"));
        // Each storage works through PgBouncer afterwards.
        await using var again = await fixture.OpenTrackedAsync(PgBouncerFixture.Options(schema), schema, time);
        Assert.False(await again.ForTenant("default").HasPaymentBeenProcessedAsync("sig-none"));
    }
}
