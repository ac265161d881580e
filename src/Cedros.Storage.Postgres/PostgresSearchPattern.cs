using System.Globalization;

namespace Cedros.Storage.Postgres;

/// <summary>
/// Which part of an order search term the trigram index is asked for, per column. pg_trgm reads the posting list of
/// every trigram of the pattern, and a trigram that nearly every value has ("buy" in "buyer4242@" against e-mails like
/// buyerN@example.com) costs a list as long as the table: ~1,100 index pages for one e-mail at 1,000,000 orders, where the
/// term's rare trigrams alone read 18. So the index is asked for the stretch of the term whose trigrams are rare in the
/// column, and the whole term is checked on the rows it returns (an exact filter, so the choice changes the cost only,
/// never the result). How rare is read from PostgreSQL's own statistics of the column (<see cref="PostgresSearchSamples"/>).
/// </summary>
internal static class PostgresSearchPattern
{
    /// <summary>One posting-list entry against one row re-checked on the heap, as measured at 1,000,000 orders (28 Nov):
    /// reading the ~1,000,000 entries of a trigram every customer has cost 5.4 ms, 1,000 rows re-checked 5.5 ms; three
    /// such lists for an e-mail 16–33 ms against 101 rows in 0.8 ms.</summary>
    private const double EntryCost = 1.0 / 1000;

    /// <summary>
    /// The stretch of <paramref name="term"/> to look up, or the term itself. Only for a term that every collation
    /// lower-cases one character at a time (<see cref="LowersCharByChar"/>): then the lower-cased term holds the
    /// lower-cased stretch, so a row whose text contains the term (ILIKE compares lower() of both sides) always contains
    /// the stretch. The stretch keeps three letters or digits in a row, so pg_trgm has a trigram to look up (a pattern
    /// without one reads the whole index). Cost of a pattern: its trigrams' posting lists (each trigram's share of the
    /// column's values) plus the rows they let through (the product of the shares, as if independent). The model sees
    /// only inner trigrams, not pg_trgm's word-boundary ones, so a stretch replaces the term only when it is estimated
    /// at least four times cheaper: when the term has trigrams nearly every value shares and rare ones beside them.
    /// </summary>
    public static string Choose(string term, PostgresColumnSample? sample)
    {
        if (sample is null || term.Length <= 3 || !LowersCharByChar(term)) return term;
        var lowered = term.ToLowerInvariant();
        var share = new double[lowered.Length - 2];
        for (var i = 0; i < share.Length; i++)
            share[i] = IsWordGram(lowered, i) ? sample.Share(lowered.Substring(i, 3)) : 0;
        var whole = Cost(share, 0, lowered.Length);
        var (bestStart, bestEnd, bestCost) = (0, lowered.Length, whole);
        for (var start = 0; start < lowered.Length - 2; start++)
        {
            for (var end = start + 3; end <= lowered.Length; end++)
            {
                if (!HasWordGram(lowered, start, end)) continue;
                var cost = Cost(share, start, end);
                if (cost < bestCost) (bestStart, bestEnd, bestCost) = (start, end, cost);
            }
        }
        return bestCost * 4 <= whole ? term[bestStart..bestEnd] : term;
    }

    private static double Cost(double[] share, int start, int end)
    {
        double entries = 0, through = 1;
        for (var i = start; i + 3 <= end; i++)
        {
            if (share[i] == 0) continue;
            entries += share[i];
            through *= share[i];
        }
        return entries * EntryCost + Math.Max(through, 1e-9);
    }

    /// <summary>
    /// Whether lower-casing <paramref name="term"/> is the same in every collation as lower-casing each of its characters
    /// alone. Unicode's context-dependent lower-casings (SpecialCasing.txt, applied by ICU collations) all involve a
    /// capital sigma (final form at a word's end) or a combining mark after I, J or Į (Lithuanian, Turkish, Azeri), and
    /// libc collations lower one character at a time; a surrogate pair is kept whole by refusing the term.
    /// </summary>
    internal static bool LowersCharByChar(string term)
    {
        foreach (var c in term)
        {
            if (char.IsSurrogate(c) || c is 'Σ' or 'σ' or 'ς') return false;
            if (char.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark
                or UnicodeCategory.EnclosingMark) return false;
        }
        return true;
    }

    private static bool IsWordGram(string text, int at) =>
        char.IsLetterOrDigit(text[at]) && char.IsLetterOrDigit(text[at + 1]) && char.IsLetterOrDigit(text[at + 2]);

    private static bool HasWordGram(string text, int start, int end)
    {
        for (var i = start; i + 3 <= end; i++)
            if (IsWordGram(text, i)) return true;
        return false;
    }
}

/// <summary>A column's values as PostgreSQL's statistics describe them: the most common values with their shares, and
/// the histogram's bounds standing for the rest.</summary>
internal sealed class PostgresColumnSample(IReadOnlyList<(string Value, double Share)> common, IReadOnlyList<string> histogram)
{
    private readonly (string Value, double Share)[] _common = [.. common.Select(c => (c.Value.ToLowerInvariant(), c.Share))];
    private readonly string[] _histogram = [.. histogram.Select(h => h.ToLowerInvariant())];
    private readonly double _rest = Math.Max(0, 1 - common.Sum(c => c.Share));

    /// <summary>The estimated share of the column's values that contain <paramref name="gram"/> (lower-cased); never 0,
    /// since a sample of a hundred values cannot tell a rare trigram from an absent one.</summary>
    public double Share(string gram)
    {
        var share = 0.0;
        foreach (var (value, s) in _common)
            if (value.Contains(gram, StringComparison.Ordinal)) share += s;
        if (_histogram.Length > 0)
            share += _rest * (_histogram.Count(h => h.Contains(gram, StringComparison.Ordinal)) + 0.5) / (_histogram.Length + 1);
        return Math.Max(share, 1e-6);
    }
}
