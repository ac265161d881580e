using System.Text;

namespace Cedros.Storage.Postgres;

/// <summary>
/// A rendered statement with its <c>@name</c> placeholders rewritten once to PostgreSQL's positional <c>$n</c>, and the
/// names in position order. Npgsql re-parses a command with named parameters on every execution to do this rewrite;
/// with positional parameters it sends the text as it is, so the rewrite is paid once per statement, not per call.
/// A statement with several top-level commands (<c>a; b</c>) or without placeholders keeps its text and named
/// parameters (<see cref="Names"/> is null): only Npgsql splits such text.
/// </summary>
internal sealed class PgStatement
{
    private PgStatement(string text, string[]? names)
    {
        Text = text;
        Names = names;
    }

    /// <summary>The SQL to send.</summary>
    public string Text { get; }

    /// <summary>The parameter name of <c>$1</c>, <c>$2</c>, …; null when the text keeps its named placeholders.</summary>
    public string[]? Names { get; }

    /// <summary>The last argument list's names and, for each of <see cref="Names"/>, the index of its argument. A call
    /// site passes the same literal names in the same order every time, so checking them by reference is enough to
    /// reuse the mapping; matching every placeholder against every argument by name cost ~0.6 µs a call.</summary>
    private BindPlan? _plan;

    /// <summary>For each of <see cref="Names"/>, the index of its value in <paramref name="args"/>.</summary>
    public int[] PlanFor((string Name, object? Value)[] args)
    {
        if (_plan is { } plan && plan.Fits(args)) return plan.Indexes;
        var names = Names ?? throw new InvalidOperationException("The statement keeps its named parameters.");
        var indexes = new int[names.Length];
        for (var i = 0; i < names.Length; i++) indexes[i] = IndexOf(args, names[i]);
        _plan = new BindPlan(Array.ConvertAll(args, a => a.Name), indexes);
        return indexes;
    }

    private static int IndexOf((string Name, object? Value)[] args, string placeholder)
    {
        for (var i = 0; i < args.Length; i++)
            if (args[i].Name.AsSpan().TrimStart('@').Equals(placeholder, StringComparison.OrdinalIgnoreCase)) return i;
        throw new InvalidOperationException($"The statement's parameter @{placeholder} has no value.");
    }

    private sealed class BindPlan(string[] argNames, int[] indexes)
    {
        public int[] Indexes { get; } = indexes;

        public bool Fits((string Name, object? Value)[] args)
        {
            if (args.Length != argNames.Length) return false;
            for (var i = 0; i < args.Length; i++)
                if (!ReferenceEquals(args[i].Name, argNames[i])) return false;
            return true;
        }
    }

    public static PgStatement Parse(string sql)
    {
        var text = new StringBuilder(sql.Length);
        var names = new List<string>();
        var i = 0;
        while (i < sql.Length)
        {
            var ch = sql[i];
            var skip = ch switch
            {
                '\'' => Quoted(sql, i, '\''),
                '"' => Quoted(sql, i, '"'),
                '-' when At(sql, i + 1) == '-' => LineEnd(sql, i),
                '/' when At(sql, i + 1) == '*' => CommentEnd(sql, i),
                '$' when !IsWordChar(At(sql, i - 1)) => DollarQuoteEnd(sql, i),
                _ => i,
            };
            if (skip > i)
            {
                text.Append(sql, i, skip - i);
                i = skip;
                continue;
            }
            if (ch == ';' && sql.AsSpan(i + 1).Trim().Length > 0) return new PgStatement(sql, null);
            if (ch == '@' && IsNameStart(At(sql, i + 1)) && !IsWordChar(At(sql, i - 1)))
            {
                var end = i + 1;
                while (end < sql.Length && IsWordChar(sql[end])) end++;
                var name = sql[(i + 1)..end];
                var position = names.FindIndex(n => string.Equals(n, name, StringComparison.OrdinalIgnoreCase));
                if (position < 0)
                {
                    names.Add(name);
                    position = names.Count - 1;
                }
                text.Append('$').Append(position + 1);
                i = end;
                continue;
            }
            text.Append(ch);
            i++;
        }
        return names.Count == 0 ? new PgStatement(sql, null) : new PgStatement(text.ToString(), [.. names]);
    }

    private static char At(string s, int i) => i >= 0 && i < s.Length ? s[i] : '\0';

    private static bool IsNameStart(char c) => char.IsAsciiLetter(c) || c == '_';

    private static bool IsWordChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_' || c == '$';

    /// <summary>Past a '…' literal or "…" identifier; a doubled quote inside is part of it. (E'…' escapes are never
    /// used by the storage's statements; a backslash-escaped quote would end the literal early here.)</summary>
    private static int Quoted(string s, int start, char quote)
    {
        var i = start + 1;
        while (i < s.Length)
        {
            if (s[i] == quote)
            {
                if (At(s, i + 1) != quote) return i + 1;
                i += 2;
                continue;
            }
            i++;
        }
        return s.Length;
    }

    private static int LineEnd(string s, int start)
    {
        var end = s.IndexOf('\n', start);
        return end < 0 ? s.Length : end;
    }

    private static int CommentEnd(string s, int start)
    {
        var depth = 0;
        var i = start;
        while (i < s.Length)
        {
            if (s[i] == '/' && At(s, i + 1) == '*') { depth++; i += 2; continue; }
            if (s[i] == '*' && At(s, i + 1) == '/') { depth--; i += 2; if (depth == 0) return i; continue; }
            i++;
        }
        return s.Length;
    }

    /// <summary>Past a <c>$tag$ … $tag$</c> body; <paramref name="start"/> itself when the <c>$</c> opens none
    /// (e.g. <c>$1</c>).</summary>
    private static int DollarQuoteEnd(string s, int start)
    {
        var i = start + 1;
        while (i < s.Length && (char.IsAsciiLetterOrDigit(s[i]) || s[i] == '_')) i++;
        if (i >= s.Length || s[i] != '$' || (i > start + 1 && char.IsAsciiDigit(s[start + 1]))) return start;
        var tag = s[start..(i + 1)];
        var close = s.IndexOf(tag, i + 1, StringComparison.Ordinal);
        return close < 0 ? s.Length : close + tag.Length;
    }
}
