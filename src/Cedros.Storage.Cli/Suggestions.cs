using System.CommandLine;

namespace Cedros.Storage.Cli;

/// <summary>"Did you mean …?" for a mistyped command or option: the closest names (edit distance ≤ 2, or a prefix) of
/// the command the parser reached.</summary>
internal static class Suggestions
{
    /// <summary>A suffix such as <c> Did you mean 'status'?</c> for an "unrecognized" error, else empty.</summary>
    public static string For(string errorMessage, ParseResult parseResult)
    {
        var word = parseResult.UnmatchedTokens.FirstOrDefault(t => errorMessage.Contains($"'{t}'", StringComparison.Ordinal));
        if (word is null) return "";
        var command = parseResult.CommandResult.Command;
        var names = word.StartsWith('-')
            ? command.Options.Concat(Ancestors(parseResult).SelectMany(c => c.Options.Where(o => o.Recursive)))
                .SelectMany(o => new[] { o.Name }.Concat(o.Aliases))
            : command.Subcommands.Where(c => !c.Hidden).SelectMany(c => new[] { c.Name }.Concat(c.Aliases));
        var best = names.Distinct(StringComparer.Ordinal)
            .Select(n => (Name: n, Distance: Distance(word, n)))
            .Where(c => c.Distance <= Math.Max(1, Math.Min(2, word.Length / 3)) || (word.Length >= 3 && c.Name.StartsWith(word, StringComparison.Ordinal)))
            .OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal)
            .Select(c => $"'{c.Name}'").Take(3).ToList();
        return best.Count == 0 ? "" : $" Did you mean {string.Join(" or ", best)}?";
    }

    private static IEnumerable<Command> Ancestors(ParseResult parseResult)
    {
        for (var r = parseResult.CommandResult.Parent; r is not null; r = r.Parent)
            if (r is System.CommandLine.Parsing.CommandResult c) yield return c.Command;
    }

    /// <summary>Levenshtein distance with adjacent transpositions (optimal string alignment).</summary>
    internal static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }
}
