using Cedros.Storage.Sqlite;
using Cedros.Storage.Tests.Backends;
using Cedros.Storage.Tests.Conformance;

namespace Cedros.Storage.Tests.Sqlite;

/// <summary>
/// SQLite counts a search term's matches either by the term's phrase in the trigram index or by one rare trigram's
/// candidates re-checked against the index's lower-cased text (<see cref="SqliteSearchPlanner"/>). Both must give the
/// same exact total and page; these tests force each way on the same data.
/// </summary>
public sealed class SqliteOrderSearchPlanTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    /// <summary>Re-checks a rare trigram's candidates whenever the term has two or more trigrams.</summary>
    private static SqliteSearchPlanner Verifying() => new(SampleRows: 4096, CandidateCost: 1, FewCandidates: 0);

    /// <summary>Never re-checks: the phrase.</summary>
    private static SqliteSearchPlanner Phrasing() => new(FewCandidates: int.MaxValue);

    [Theory]
    [InlineData(10, 0)]
    [InlineData(1, 0)]
    [InlineData(5, 0)]
    [InlineData(7, 20)]
    [InlineData(10, 28)]
    [InlineData(10, 30)]
    public async Task A_rare_trigram_count_equals_the_phrase_count_and_leaves_look_alikes_and_other_tenants_out(int limit, int offset)
    {
        var options = fixture.NewOptions(fixture.NewPath());
        var now = DateTimeOffset.UtcNow;
        var expected = new List<Order>();
        await using (var storage = await SqliteStorage.OpenAsync(options))
        {
            var mine = storage.ForTenant("shop-a");
            var i = 0;
            Order At(Order o) => o with { CreatedAt = now.AddSeconds(-i), UpdatedAt = now.AddSeconds(-i), StatusUpdatedAt = now.AddSeconds(-i++) };
            for (var k = 0; k < 30; k++)
            {
                // The term in each searchable column in turn, in mixed case.
                var o = At(Make.Order(now));
                o = (k % 5) switch
                {
                    0 => o with { ResourceId = $"Product-7{k}" },
                    1 => o with { Customer = $"PRODUCT-7 fan {k}" },
                    2 => o with { CustomerEmail = $"x.product-7.{k}@example.com" },
                    3 => o with { Id = $"ord-pRoduct-7-{k}" },
                    _ => o with { PurchaseId = $"sig-product-7-{k}" },
                };
                expected.Add(o);
                await mine.TryStoreOrderAsync(o);
            }
            // Look-alikes: the rare trigram "t-7" without the term, and the term's common trigrams without "t-7".
            for (var k = 0; k < 10; k++) await mine.TryStoreOrderAsync(At(Make.Order(now) with { Customer = $"unit-7 {k}" }));
            for (var k = 0; k < 100; k++) await mine.TryStoreOrderAsync(At(Make.Order(now) with { ResourceId = $"product-1{k}" }));
            // The term split across two columns, which is no match.
            await mine.TryStoreOrderAsync(At(Make.Order(now) with { ResourceId = "x-product", Customer = "-7 y" }));
            var theirs = storage.ForTenant("shop-b");
            for (var k = 0; k < 20; k++) await theirs.TryStoreOrderAsync(Make.Order(now) with { ResourceId = $"product-7{k}" });
        }
        var newestFirst = expected.OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id, StringComparer.Ordinal)
            .Skip(offset).Take(limit).Select(o => o.Id).ToList();

        foreach (var (planner, verifies) in new[] { (Verifying(), true), (Phrasing(), false) })
        {
            using var engine = new SqliteEngine(options, TimeProvider.System) { SearchPlanner = planner };
            var store = new SqliteStore(new PooledExecutor(engine), "shop-a");
            var page = await store.SelectOrdersFilteredAsync(null, "PRODUCT-7", null, null, limit, offset, default);
            Assert.Equal(30, page.Total);
            Assert.Equal(newestFirst, page.Items.Select(o => o.Id));
            Assert.Equal(verifies ? 1 : 0, planner.VerifiedSearches);
        }
    }

    [Theory]
    [InlineData(40, 6)]
    [InlineData(6, 40)]
    public async Task An_order_matching_by_resource_id_and_by_another_column_is_counted_once_whichever_part_is_larger(
        int byResource, int byOther)
    {
        // The overlap is re-checked from the smaller part: the other columns' matches (first case) or the resource's.
        var options = fixture.NewOptions(fixture.NewPath());
        var now = DateTimeOffset.UtcNow;
        var expected = new List<Order>();
        await using (var storage = await SqliteStorage.OpenAsync(options))
        {
            var mine = storage.ForTenant("shop-a");
            for (var k = 0; k < Math.Max(byResource, byOther); k++)
            {
                var o = Make.Order(now) with
                {
                    CreatedAt = now.AddSeconds(-k),
                    ResourceId = k < byResource ? $"Widget-9{k % 3}" : "other",
                    Customer = k < byOther ? $"widget-9 lover {k}" : "someone",
                };
                expected.Add(o);
                await mine.TryStoreOrderAsync(o);
            }
            for (var k = 0; k < 5; k++) await mine.TryStoreOrderAsync(Make.Order(now) with { CreatedAt = now.AddDays(-1), ResourceId = "widget-8" });
        }
        var newestFirst = expected.OrderByDescending(o => o.CreatedAt).Take(10).Select(o => o.Id).ToList();

        foreach (var planner in new[] { Verifying(), Phrasing() })
        {
            using var engine = new SqliteEngine(options, TimeProvider.System) { SearchPlanner = planner };
            var store = new SqliteStore(new PooledExecutor(engine), "shop-a");
            var page = await store.SelectOrdersFilteredAsync(null, "WIDGET-9", null, null, 10, 0, default);
            Assert.Equal(Math.Max(byResource, byOther), page.Total);
            Assert.Equal(newestFirst, page.Items.Select(o => o.Id));
        }
    }

    [Fact]
    public async Task A_sample_that_misses_a_common_trigram_falls_back_to_the_phrase()
    {
        var options = fixture.NewOptions(fixture.NewPath());
        var now = DateTimeOffset.UtcNow;
        await using (var storage = await SqliteStorage.OpenAsync(options))
        {
            var shop = storage.ForTenant("shop-a");
            // Older orders all carry "zq-"; the newest four (the sample) only "q-9" and "-9x"; "zq-9x" is in two.
            for (var k = 0; k < 40; k++) await shop.TryStoreOrderAsync(Make.Order(now.AddMinutes(-100 + k)) with { ResourceId = $"zq-{k}" });
            await shop.TryStoreOrderAsync(Make.Order(now.AddMinutes(-50)) with { ResourceId = "zq-9x" });
            await shop.TryStoreOrderAsync(Make.Order(now.AddMinutes(-49)) with { ResourceId = "ZQ-9X-2" });
            for (var k = 0; k < 4; k++) await shop.TryStoreOrderAsync(Make.Order(now.AddMinutes(-k)) with { ResourceId = $"q-9x{k}" });
        }
        // In the sample "zq-" looks rare (0 of 4 rows); counting its candidates (42) stops at the phrase's estimated
        // cost (8 sampled entries × 46 / 4 rows ÷ 4 = 23 candidates), and the phrase counts.
        var planner = new SqliteSearchPlanner(SampleRows: 4, CandidateCost: 4, FewCandidates: 0);
        using var engine = new SqliteEngine(options, TimeProvider.System) { SearchPlanner = planner };
        var store = new SqliteStore(new PooledExecutor(engine), "shop-a");

        var page = await store.SelectOrdersFilteredAsync(null, "zq-9x", null, null, 10, 0, default);

        Assert.Equal(2, page.Total);
        Assert.Equal(0, planner.VerifiedSearches);
    }

    [Fact]
    public void The_planner_re_checks_a_rare_trigram_only_when_that_reads_less_than_the_phrase()
    {
        var planner = SqliteSearchPlanner.Default;
        (string, long)[] broad = [("pro", 4096), ("rod", 4096), ("odu", 4096), ("duc", 4096), ("uct", 4096), ("ct-", 4096), ("t-7", 88)];
        Assert.Equal(("t-7", 48_172L), planner.Choose(broad, 4096, 1_000_000));

        // Too few candidates to matter (the phrase then seeks), a single trigram, or no rare one: the phrase.
        Assert.Null(planner.Choose([("buy", 4096), ("uye", 4096), ("42@", 0)], 4096, 1_000_000));
        Assert.Null(planner.Choose([("abc", 10)], 4096, 1_000_000));
        Assert.Null(planner.Choose([("abc", 4096), ("bcd", 4096), ("cde", 4000)], 4096, 1_000_000));
        Assert.Null(planner.Choose(broad, 0, 0));
        Assert.Equal(["pro", "rod", "odu", "duc", "uct", "ct-", "t-7"], SqliteSearchPlanner.Trigrams("product-7"));
        Assert.Equal(["aaa"], SqliteSearchPlanner.Trigrams("aaaaa"));
        Assert.Empty(SqliteSearchPlanner.Trigrams("ab"));
    }
}
