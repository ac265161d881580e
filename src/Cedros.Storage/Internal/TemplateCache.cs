using System.Collections.Concurrent;

namespace Cedros.Storage.Internal;

/// <summary>
/// What a SQL template turns into (rendered tables, positional parameters, the dialect's spelling), made once per
/// template text. Most templates are string literals, the same object on every call, so they are looked up by
/// reference first: hashing a few hundred characters of SQL on every call cost ~90 ns a lookup, and a call made two or
/// three. A template built at run time (<c>LIMIT {n}</c>) is a new object each call: only the first object seen with a
/// given text is remembered by reference, so those cost one text lookup as before and the reference table stays as
/// small as the text table.
/// </summary>
internal sealed class TemplateCache<T>(Func<string, T> create)
{
    private readonly ConcurrentDictionary<string, T> _byReference = new(ReferenceEqualityComparer.Instance);
    private readonly ConcurrentDictionary<string, (string First, T Value)> _byText = new(StringComparer.Ordinal);

    public T this[string template]
    {
        get
        {
            if (_byReference.TryGetValue(template, out var value)) return value;
            var entry = _byText.GetOrAdd(template, static (text, make) => (text, make(text)), create);
            if (ReferenceEquals(entry.First, template)) _byReference.TryAdd(template, entry.Value);
            return entry.Value;
        }
    }
}
