using Cedros.Storage.Postgres;
using Cedros.Storage.Tests.Backends;
using Npgsql;

namespace Cedros.Storage.Tests.Postgres;

/// <summary>
/// PostgreSQL asks the trigram index for the stretch of a term whose trigrams are rare in the column
/// (<see cref="PostgresSearchPattern"/>) and checks the whole term on what it returns: the choice must never change a
/// result.
/// </summary>
public sealed class PostgresSearchPatternTests(PostgresFixture fixture) : IClassFixture<PostgresFixture>
{
    private static PostgresColumnSample Emails(int count) =>
        new([], [.. Enumerable.Range(0, count).Select(i => $"buyer{i * 9973 % 1_000_000}@example.com").Order(StringComparer.Ordinal)]);

    [Fact]
    public void A_term_whose_trigrams_nearly_every_value_shares_is_looked_up_by_its_rare_stretch()
    {
        var chosen = PostgresSearchPattern.Choose("buyer4242@", Emails(101));

        Assert.Contains(chosen, "buyer4242@", StringComparison.Ordinal);
        Assert.DoesNotContain("buy", chosen, StringComparison.Ordinal);
        Assert.Contains("424", chosen, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("product-7")]     // every trigram common: nothing cheaper
    [InlineData("nomatch-zz")]    // every trigram absent: the whole term is rarest
    [InlineData("buy")]           // one trigram
    public void Other_terms_are_looked_up_whole(string term)
    {
        var sample = new PostgresColumnSample([.. Enumerable.Range(0, 9).Select(i => ($"product-{i}", 0.1))], ["buyer1@example.com", "buyer2@example.com"]);
        Assert.Equal(term, PostgresSearchPattern.Choose(term, sample));
        Assert.Equal(term, PostgresSearchPattern.Choose(term, null));
    }

    [Theory]
    [InlineData("buyer4242@é")]
    [InlineData("BÜYER4242@")]
    [InlineData("buyer4242@İstanbul")] // İ lower-cases to two characters, the same alone as within the term
    public void A_term_lower_cased_char_by_char_is_looked_up_by_its_rare_stretch_even_when_not_ascii(string term)
    {
        Assert.True(PostgresSearchPattern.LowersCharByChar(term));
        var chosen = PostgresSearchPattern.Choose(term, Emails(101));

        Assert.Contains(chosen, term, StringComparison.Ordinal);
        Assert.Contains("4242", chosen, StringComparison.Ordinal);
        Assert.NotEqual(term, chosen);
    }

    [Theory]
    [InlineData("buyer4242@e\u0301")] // a combining mark: after I, J or Į it changes how they lower-case (ICU's lt, tr, az)
    [InlineData("buyer4242@Σ")]        // a capital sigma lower-cases to ς at a word's end, σ elsewhere
    [InlineData("buyer4242@σ")]
    [InlineData("buyer4242@\ud83d\ude00")] // a surrogate pair, never split
    public void A_term_whose_lower_casing_may_depend_on_its_context_is_looked_up_whole(string term)
    {
        Assert.False(PostgresSearchPattern.LowersCharByChar(term));
        Assert.Equal(term, PostgresSearchPattern.Choose(term, Emails(101)));
    }

    [Fact]
    public void A_stretch_always_keeps_three_letters_or_digits_in_a_row()
    {
        foreach (var term in new[] { "buyer4242@", "buyer42@e", "buyer-4242-@", "buyer1.2.3@example.com", "x@buyer77" })
        {
            var chosen = PostgresSearchPattern.Choose(term, Emails(101));
            Assert.Contains(chosen, term, StringComparison.Ordinal);
            Assert.True(Enumerable.Range(0, chosen.Length - 2).Any(i => chosen.Skip(i).Take(3).All(char.IsAsciiLetterOrDigit)), term + " -> " + chosen);
        }
    }

    [Theory]
    [InlineData("buyer1234@")]
    [InlineData("BUYER12")]
    [InlineData("r1234@ex")]
    [InlineData("uyer2")]
    [InlineData("product-7")]
    [InlineData("example.com")]
    [InlineData("wallet-00")]
    [InlineData("buyer9999@")]
    [InlineData("müller")]
    [InlineData("MÜLLER 1")]
    [InlineData("jürgen")]
    [InlineData("llheim")]
    public async Task An_analysed_table_gives_the_same_matches_as_a_plain_scan(string term)
    {
        var cs = await fixture.CreateSchemaAsync();
        await using var storage = await PostgresStorage.OpenAsync(fixture.Options(cs));
        await PostgresLegacyDatabase.ExecAsync(cs, """
            INSERT INTO orders (id, tenant_id, source, purchase_id, resource_id, customer, customer_email, status, items, amount, amount_asset, created_at)
            SELECT 'ord-' || lpad(g::text, 6, '0'), CASE WHEN g % 10 = 0 THEN 'tenant-b' ELSE 'tenant-a' END, 'x402', 'sig-' || md5(g::text),
                   'product-' || (g % 40), 'wallet-' || lpad((g % 997)::text, 4, '0'), 'buyer' || g || '@example.com', 'paid', '[]', 1, 'USDC',
                   timestamptz '2026-03-01 00:00:00+00' + g * interval '1 minute'
              FROM generate_series(1, 3000) AS g;
            -- Look-alikes that hold a rare stretch of a term but not the term: found only if the whole term is not checked.
            INSERT INTO orders (id, tenant_id, source, purchase_id, resource_id, customer, customer_email, status, items, amount, amount_asset, created_at)
            SELECT 'ord-like-' || g || '-' || n, 'tenant-a', 'x402', 'sig-like-' || g || '-' || n, 'product-' || g, 'look-alike', 'seller' || n || '@example.com', 'paid', '[]', 1, 'USDC',
                   timestamptz '2026-02-01 00:00:00+00' + g * interval '1 minute'
              FROM generate_series(1, 10) AS g, (VALUES (1234), (9999), (4242)) AS v(n);
            -- Non-ASCII names, and look-alikes holding a rare stretch of "müller" but not the word.
            INSERT INTO orders (id, tenant_id, source, purchase_id, resource_id, customer, customer_email, status, items, amount, amount_asset, created_at)
            SELECT 'ord-name-' || g, CASE WHEN g % 4 = 0 THEN 'tenant-b' ELSE 'tenant-a' END, 'x402', 'sig-name-' || g, 'product-' || g,
                   CASE WHEN g % 3 = 0 THEN 'wallet-0500 Frau Müllheim ' || g ELSE 'wallet-0500 Jürgen MÜLLER ' || g END, 'name' || g || '@example.com', 'paid', '[]', 1, 'USDC',
                   timestamptz '2026-01-01 00:00:00+00' + g * interval '1 minute'
              FROM generate_series(1, 9) AS g;
            ANALYZE orders;
            """);
        var tenant = storage.ForTenant("tenant-a");

        var expected = new List<string>();
        await using (var connection = new NpgsqlConnection(cs))
        {
            await connection.OpenAsync();
            await using var cmd = new NpgsqlCommand("""
                SELECT id FROM orders WHERE tenant_id = 'tenant-a' AND (strpos(lower(id), lower($1)) > 0 OR strpos(lower(purchase_id), lower($1)) > 0
                    OR strpos(lower(resource_id), lower($1)) > 0 OR strpos(lower(customer), lower($1)) > 0 OR strpos(lower(customer_email), lower($1)) > 0)
                 ORDER BY created_at DESC, id COLLATE "C" DESC
                """, connection) { Parameters = { new() { Value = term } } };
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync()) expected.Add(reader.GetString(0));
        }

        foreach (var (limit, offset) in new[] { (20, 0), (5, 3), (50, 40) })
        {
            var page = await tenant.ListOrdersFilteredAsync(null, term, null, null, limit, offset);
            Assert.Equal(expected.Count, page.Total);
            Assert.Equal(expected.Skip(offset).Take(limit), page.Items.Select(o => o.Id));
            var paid = await tenant.ListOrdersFilteredAsync(OrderStatus.Paid, term, null, null, limit, offset);
            Assert.Equal(expected.Count, paid.Total);
        }
        if (term == "müller")
            Assert.True(expected.Count > 0 && await ChosenStretchAsync(cs, "customer", term) != term, "the customer column should be searched by a stretch");
        if (term == "buyer1234@")
        {
            Assert.True(expected.Count == 1 && await ChosenStretchAsync(cs, "customer_email", term) != term, "the e-mail column should be searched by a stretch");
            // The search reads those statistics itself, for every searched column.
            await using var connection = await storage.Context.DataSource.OpenConnectionAsync();
            var samples = await storage.Context.SearchSamples.GetAsync(new PgConn(connection, null, storage.Context, default));
            Assert.Equal(PostgresStore.SearchedColumns.Order(StringComparer.Ordinal), samples.Keys.Order(StringComparer.Ordinal));
        }
    }

    /// <summary>What the chooser makes of the table's own statistics for one column.</summary>
    private static async Task<string> ChosenStretchAsync(string cs, string column, string term)
    {
        await using var connection = new NpgsqlConnection(cs);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            SELECT coalesce(histogram_bounds::text::text[], '{}') FROM pg_stats
             WHERE tablename = 'orders' AND schemaname = current_schema() AND attname = $1
            """, connection) { Parameters = { new() { Value = column } } };
        var histogram = (string[])(await cmd.ExecuteScalarAsync())!;
        return PostgresSearchPattern.Choose(term, new PostgresColumnSample([], histogram));
    }
}
