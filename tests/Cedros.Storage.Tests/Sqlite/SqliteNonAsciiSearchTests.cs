using Cedros.Storage.Sqlite;
using Cedros.Storage.Tests.Backends;
using Cedros.Storage.Tests.Conformance;

namespace Cedros.Storage.Tests.Sqlite;

/// <summary>
/// SQLite searches a non-ASCII term by a query of its every spelling under .NET's ordinal ignore-case rule
/// (<see cref="OrdinalCaseVariants"/>), or, with too many spellings, by an ASCII stretch whose candidates the function
/// re-checks. Each way must find exactly the orders that rule finds, which these tests compute with .NET itself.
/// </summary>
public sealed class SqliteNonAsciiSearchTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    private static readonly string[] Texts =
    [
        "Jürgen MÜLLER", "jürgen müller", "Jurgen Muller", "mÜller-Lüdenscheid", "MüLLER", "ISTANBUL", "istanbul", "İstanbul", "ıstanbul",
        "STRASSE", "Straße", "STRAẞE", "ǄEMAL", "ǅemal", "ǆemal", "DZEMAL", "Ωmega", "ωmega", "\u2126mega (ohm sign)", "ÄÖÜÄÖÜÄÖÜ", "äöüäöüäöü", "aouaouaou",
        "\u212Aelvin (Kelvin sign)", "kelvin", "ÅNGSTRÖM", "Ångström", "ångström",
    ];

    [Theory]
    [InlineData("müller")]
    [InlineData("MÜLLER-lü")]
    [InlineData("ÜLL")]
    [InlineData("ıstanbul")]
    [InlineData("İSTAN")]
    [InlineData("straße")]
    [InlineData("ǆem")]
    [InlineData("ωme")]
    [InlineData("ångström")]
    [InlineData("Kelvin")]
    [InlineData("äöüäöüäöü")] // 512 spellings: the stretch-less fallback (a scan with the function)
    [InlineData("lüdenscheid-über")] // nothing
    public async Task A_non_ASCII_term_finds_exactly_what_the_ordinal_ignore_case_rule_finds(string term)
    {
        var options = fixture.NewOptions(fixture.NewPath());
        var now = DateTimeOffset.UtcNow;
        var all = new List<Order>();
        await using (var storage = await SqliteStorage.OpenAsync(options))
        {
            var mine = storage.ForTenant("shop-a");
            var theirs = storage.ForTenant("shop-b");
            var k = 0;
            foreach (var text in Texts)
            {
                // Each text in each searchable column but the id, and as a resource id shared by several orders.
                foreach (var place in new[] { "customer", "email", "purchase", "resource", "resource" })
                {
                    var o = Make.Order(now) with { CreatedAt = now.AddSeconds(-k++), Status = k % 2 == 0 ? OrderStatus.Paid : OrderStatus.Created };
                    o = place switch
                    {
                        "customer" => o with { Customer = text },
                        "email" => o with { CustomerEmail = text + "@example.com" },
                        "purchase" => o with { PurchaseId = "sig-" + text + "-" + k },
                        _ => o with { ResourceId = text, Customer = k % 4 == 0 ? text : o.Customer },
                    };
                    all.Add(o);
                    await mine.TryStoreOrderAsync(o);
                    await theirs.TryStoreOrderAsync(o with { Id = "b-" + o.Id });
                }
            }
        }
        var matching = all.Where(o => new[] { o.Id, o.PurchaseId, o.ResourceId, o.Customer, o.CustomerEmail }
                .Any(f => f is not null && f.Contains(term, StringComparison.OrdinalIgnoreCase)))
            .OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id, StringComparer.Ordinal).ToList();

        foreach (var planner in new[] { new SqliteSearchPlanner(SampleRows: 4096, CandidateCost: 1, FewCandidates: 0), new SqliteSearchPlanner(FewCandidates: int.MaxValue) })
        {
            using var engine = new SqliteEngine(options, TimeProvider.System) { SearchPlanner = planner };
            var store = new SqliteStore(new PooledExecutor(engine), "shop-a");
            foreach (var (limit, offset) in new[] { (200, 0), (3, 0), (4, 5), (2, matching.Count - 1) })
            {
                var page = await store.SelectOrdersFilteredAsync(null, term, null, null, limit, Math.Max(0, offset), default);
                Assert.Equal(matching.Count, page.Total);
                Assert.Equal(matching.Skip(Math.Max(0, offset)).Take(limit).Select(o => o.Id), page.Items.Select(o => o.Id));

                var paid = await store.SelectOrdersFilteredAsync(OrderStatus.Paid, term, null, null, limit, Math.Max(0, offset), default);
                var paidMatching = matching.Where(o => o.Status == OrderStatus.Paid).ToList();
                Assert.Equal(paidMatching.Count, paid.Total);
                Assert.Equal(paidMatching.Skip(Math.Max(0, offset)).Take(limit).Select(o => o.Id), paid.Items.Select(o => o.Id));
            }
        }
        Assert.True(term == "lüdenscheid-über" || matching.Count > 0, "the data should hold a match for " + term);
    }

    [Fact]
    public void Every_spelling_of_a_term_is_looked_up_as_the_index_holds_it()
    {
        Assert.Equal(["\"mÜller\"", "\"müller\""], OrdinalCaseVariants.Query("MÜLLER")!.Split(" OR ").Order(StringComparer.Ordinal));
        Assert.Equal(OrdinalCaseVariants.Query("MÜLLER"), OrdinalCaseVariants.Query("müller"));
        // .NET's rule never makes a non-ASCII character equal to an ASCII one: the dotless ı is not I, İ not i, ſ not S.
        Assert.Equal("\"ıst\"", OrdinalCaseVariants.Query("ıst"));
        Assert.Equal("\"İst\"", OrdinalCaseVariants.Query("İst"));
        Assert.Equal(["\"Ǆem\"", "\"ǅem\"", "\"ǆem\""], OrdinalCaseVariants.Query("ǆEM")!.Split(" OR ").Order(StringComparer.Ordinal));
        Assert.Null(OrdinalCaseVariants.Query("üb"));                        // shorter than a trigram
        Assert.Null(OrdinalCaseVariants.Query("äöüäöüäöü"));                 // 512 spellings
        Assert.Null(OrdinalCaseVariants.Query("a\U0001F600b"));              // a surrogate pair
        Assert.Contains("\"a\"\"ü\"", OrdinalCaseVariants.Query("a\"ü")!.Split(" OR ")); // quotes doubled
        // One query per trigram position, each holding that position's trigram in every spelling.
        var positions = OrdinalCaseVariants.PositionQueries(OrdinalCaseVariants.Spellings("MÜLLER")!);
        Assert.Equal(4, positions.Count);
        Assert.Equal(["\"mÜl\"", "\"mül\""], positions[0].Split(" OR ").Order(StringComparer.Ordinal));
        Assert.Equal(["\"Üll\"", "\"üll\""], positions[1].Split(" OR ").Order(StringComparer.Ordinal));
        Assert.Equal(["\"lle\"", "\"ler\""], positions.Skip(2));
    }
}
