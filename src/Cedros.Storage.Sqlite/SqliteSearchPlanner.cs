namespace Cedros.Storage.Sqlite;

/// <summary>
/// How the trigram index counts a term's matches (issue 15: order search at 1,000,000 orders). A phrase is matched by
/// reading the doclist of every trigram in it, and a term's common trigrams (<c>pro</c> in <c>product-7</c>) have one
/// entry per order: 65 ms for that term at 1,000,000 orders. When one trigram is rare, reading only its doclist and
/// re-checking each candidate's indexed text is cheaper (32 ms), at about <see cref="CandidateCost"/> doclist entries
/// per candidate (measured there: 0.75 µs per candidate against 6 ns per doclist entry). Below
/// <see cref="FewCandidates"/> candidates the phrase is as cheap, because it then seeks through the common doclists
/// instead of reading them; past a few hundred its seeks land on every page of them (1,000 matches of
/// <c>"müller" OR "mÜller"</c> at 1,000,000 orders: the phrase 8.3 ms, re-checking the 1,000 candidates of
/// <c>"mül" OR "mÜl"</c> 5.0 ms). The frequencies are sampled in the tenant's newest <see cref="SampleRows"/> index rows.
/// Both ways count exactly the same rows; the choice is only about cost.
/// </summary>
internal sealed record SqliteSearchPlanner(int SampleRows = 4096, int CandidateCost = 125, int FewCandidates = 500)
{
    public static SqliteSearchPlanner Default { get; } = new();

    /// <summary>Searches counted by re-checking a rare trigram's candidates (for tests: which way was taken).</summary>
    public long VerifiedSearches => Interlocked.Read(ref _verifiedSearches);
    private long _verifiedSearches;

    internal void CountVerified() => Interlocked.Increment(ref _verifiedSearches);

    /// <summary>The distinct trigrams of an (ASCII, lower-cased) term, as the trigram tokenizer splits it.</summary>
    public static IReadOnlyCollection<string> Trigrams(string lowered)
    {
        var grams = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i + 3 <= lowered.Length; i++) grams.Add(lowered.Substring(i, 3));
        return grams;
    }

    /// <summary>
    /// The trigram to count by, and the most candidates it may have before the phrase is cheaper (the caller counts
    /// them up to that before committing, so a misleading sample costs at most that bounded count); null when the
    /// phrase is the cheaper way. <paramref name="sampled"/>: each trigram's rows among the
    /// <paramref name="sampledRows"/> newest of the tenant's <paramref name="tenantRows"/>.
    /// </summary>
    public (string Gram, long MaxCandidates)? Choose(IReadOnlyList<(string Gram, long Rows)> sampled, long sampledRows, long tenantRows)
    {
        if (sampled.Count < 2 || sampledRows <= 0) return null;
        var rarest = sampled.MinBy(g => g.Rows);
        var sum = sampled.Sum(g => g.Rows);
        var scale = (double)tenantRows / sampledRows;
        if (rarest.Rows * scale < FewCandidates || rarest.Rows * CandidateCost >= sum) return null;
        return (rarest.Gram, (long)Math.Ceiling(sum * scale / CandidateCost));
    }
}
