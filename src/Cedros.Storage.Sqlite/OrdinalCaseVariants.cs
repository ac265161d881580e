namespace Cedros.Storage.Sqlite;

/// <summary>
/// The spellings of a search term that .NET's ordinal ignore-case rule (the non-ASCII search rule, <c>cedros_contains</c>)
/// counts as equal, as the search index holds them: SQLite's <c>lower</c> folds ASCII letters only, so "MÜLLER" is
/// indexed as "mÜller" and "müller" must be looked up as "müller" or "mÜller". The rule compares character by
/// character, so a match of the term is a string of the same length whose every character is in the same class as the
/// term's; the classes come from the comparer itself (grouped by its hash, split by its equality), not from a copy of
/// its tables.
/// </summary>
internal static class OrdinalCaseVariants
{
    private static readonly Lazy<Dictionary<char, string>> Classes = new(BuildClasses);

    /// <summary>An FTS5 query matching every spelling of <paramref name="term"/> (phrases joined by OR), or null when the
    /// term is shorter than a trigram, has a surrogate, or has more than <paramref name="maxSpellings"/> spellings.</summary>
    public static string? Query(string term, int maxSpellings = 16) =>
        Spellings(term, maxSpellings) is { } spellings ? Query(spellings) : null;

    /// <summary>The FTS5 query matching any of <paramref name="spellings"/> (phrases joined by OR).</summary>
    public static string Query(IReadOnlyList<string> spellings) => string.Join(" OR ", spellings.Select(Phrase));

    /// <summary>Every spelling of <paramref name="term"/> as the index holds it, or null as for <see cref="Query(string, int)"/>.</summary>
    public static IReadOnlyList<string>? Spellings(string term, int maxSpellings = 16)
    {
        if (term.Length < 3) return null;
        List<string> spellings = [""];
        foreach (var c in term)
        {
            if (char.IsSurrogate(c)) return null;
            var options = Indexed(c);
            if (spellings.Count * options.Length > maxSpellings) return null;
            spellings = [.. spellings.SelectMany(prefix => options.Select(option => prefix + option))];
        }
        return spellings;
    }

    /// <summary>
    /// One FTS5 query per trigram position of the term: the trigram at that position in every spelling, joined by OR.
    /// A row holding a spelling holds each position's query, so any one of them narrows to candidates (to be re-checked
    /// by <see cref="SqliteOrderSearchSql.Spelled"/>).
    /// </summary>
    public static IReadOnlyList<string> PositionQueries(IReadOnlyList<string> spellings) =>
        [.. Enumerable.Range(0, spellings[0].Length - 2)
            .Select(i => string.Join(" OR ", spellings.Select(s => s.Substring(i, 3)).Distinct(StringComparer.Ordinal).Select(Phrase)))
            .Distinct(StringComparer.Ordinal)];

    /// <summary>An FTS5 phrase matching <paramref name="text"/> literally (double quotes doubled).</summary>
    public static string Phrase(string text) => "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>The characters equal to <paramref name="c"/> under the rule, as the index holds them (ASCII lower-cased),
    /// without repeats.</summary>
    private static string Indexed(char c)
    {
        var members = Classes.Value.TryGetValue(c, out var found) ? found : c.ToString();
        return new string(members.Select(m => m is >= 'A' and <= 'Z' ? (char)(m + 32) : m).Distinct().ToArray());
    }

    /// <summary>Every character of the Basic Multilingual Plane (surrogates aside) that is equal to another under the
    /// rule, with all the members of its class.</summary>
    private static Dictionary<char, string> BuildClasses()
    {
        var comparer = StringComparer.OrdinalIgnoreCase;
        var byHash = new Dictionary<int, List<string>>();
        for (var i = 0; i <= char.MaxValue; i++)
        {
            if (char.IsSurrogate((char)i)) continue;
            var text = ((char)i).ToString();
            var hash = comparer.GetHashCode(text);
            if (!byHash.TryGetValue(hash, out var bucket)) byHash[hash] = bucket = [];
            bucket.Add(text);
        }
        var classes = new Dictionary<char, string>();
        foreach (var bucket in byHash.Values.Where(b => b.Count > 1))
        {
            foreach (var member in bucket)
            {
                var equal = string.Concat(bucket.Where(other => comparer.Equals(member, other)));
                if (equal.Length > 1) classes[member[0]] = equal;
            }
        }
        return classes;
    }
}
