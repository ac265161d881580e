namespace Cedros.Storage.Internal;

/// <summary>
/// Orders strings as their UTF-8 bytes compare, which is how SQLite (<c>BINARY</c>) and PostgreSQL (<c>COLLATE "C"</c>)
/// order text, so the in-memory backend lists ids in the same order. For well-formed text UTF-8 byte order is code-point
/// order; it differs from <see cref="StringComparer.Ordinal"/> (UTF-16 code units) only where a surrogate pair (a code
/// point ≥ U+10000) meets a character in U+E000..U+FFFF: code units put the pair first, bytes put it last.
/// </summary>
internal sealed class Utf8Order : IComparer<string>
{
    /// <summary>The one instance.</summary>
    public static Utf8Order Instance { get; } = new();

    private Utf8Order()
    {
    }

    /// <inheritdoc />
    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y)) return 0;
        if (x is null) return -1;
        if (y is null) return 1;
        var n = Math.Min(x.Length, y.Length);
        for (var i = 0; i < n; i++)
        {
            if (x[i] != y[i]) return CodePointRank(x[i]).CompareTo(CodePointRank(y[i]));
        }
        return x.Length.CompareTo(y.Length);
    }

    // Moves surrogates (code points ≥ U+10000) above U+E000..U+FFFF, keeping every other order as it is.
    private static int CodePointRank(char c) => c < 0xD800 ? c : c >= 0xE000 ? c - 0x800 : c + 0x2000;
}
