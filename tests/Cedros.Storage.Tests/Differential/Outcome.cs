using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;

namespace Cedros.Storage.Tests.Differential;

/// <summary>
/// Turns what a call returned (or threw) into a deterministic string that can be compared across backends.
/// Values each backend generates on its own (webhook ids, history entry ids, claim and lock tokens) are replaced by
/// per-backend aliases numbered in order of first appearance (<c>#gen1</c>, <c>#gen2</c>, …), so two backends that
/// behave alike print alike.
/// </summary>
public sealed partial class Outcome
{
    /// <summary>Separates the (optional) message text from the comparable part of an error outcome.</summary>
    public const char MessageMark = '\u241F';

    /// <summary>The outcome without any message text.</summary>
    public static string WithoutMessages(string outcome) =>
        outcome.Contains(MessageMark, StringComparison.Ordinal)
            ? string.Join("", outcome.Split(MessageMark).Select((part, i) => i == 0 ? part : part.IndexOfAny(['|', ']']) is var end and >= 0 ? part[end..] : ""))
            : outcome;

    private readonly Dictionary<string, string> _aliases = new(StringComparer.Ordinal);

    /// <summary>True for a value a backend generated (a UUID, or a 32-hex-digit token): the generator never makes one.</summary>
    public static bool IsGenerated(string value) => GeneratedPattern().IsMatch(value);

    [GeneratedRegex(@"\A(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32})\z")]
    private static partial Regex GeneratedPattern();

    [GeneratedRegex(@"\b(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32})\b")]
    private static partial Regex GeneratedInText();

    /// <summary>The alias of a generated value (assigned on first sight); other strings are returned as they are.</summary>
    public string Alias(string value)
    {
        if (!IsGenerated(value)) return value;
        if (!_aliases.TryGetValue(value, out var alias))
        {
            alias = $"#gen{_aliases.Count + 1}";
            _aliases.Add(value, alias);
        }
        return alias;
    }

    /// <summary>A deterministic rendering of <paramref name="value"/>.</summary>
    public string Render(object? value)
    {
        var sb = new StringBuilder();
        Write(sb, value);
        return sb.ToString();
    }

    /// <summary>The comparable description of a failure: type, kind and the structured details, never the message text
    /// (unless <paramref name="withMessage"/>).</summary>
    public string Error(Exception ex, bool withMessage)
    {
        var sb = new StringBuilder("ERR ").Append(ex.GetType().Name);
        if (ex is StorageException se)
        {
            sb.Append('/').Append(se.Kind);
            switch (se)
            {
                case StorageValidationException v:
                    sb.Append(" field=").Append(v.Field ?? "-").Append(" item=").Append(v.ItemIndex?.ToString(CultureInfo.InvariantCulture) ?? "-");
                    break;
                case PaymentReplayException p:
                    sb.Append(" signatures=[").Append(string.Join(",", p.Signatures)).Append(']');
                    break;
                case NonceException n:
                    sb.Append(" reason=").Append(n.Reason);
                    break;
                case StorageNotFoundException nf:
                    sb.Append(" entity=").Append(nf.Entity).Append(" id=").Append(Alias(nf.Id));
                    break;
            }
            if (withMessage) sb.Append(MessageMark).Append("msg=").Append(GeneratedInText().Replace(se.Message, m => Alias(m.Value)));
        }
        else
        {
            // Not a storage exception: a driver or runtime exception escaped. Keep the message: it is a bug anyway.
            sb.Append(" msg=").Append(ex.Message);
        }
        return sb.ToString();
    }

    private void Write(StringBuilder sb, object? value)
    {
        switch (value)
        {
            case null:
                sb.Append("null");
                return;
            case string s:
                sb.Append('"').Append(Alias(s)).Append('"');
                return;
            case bool b:
                sb.Append(b ? "true" : "false");
                return;
            case DateTimeOffset t:
                sb.Append(t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
                if (t.Offset != TimeSpan.Zero) sb.Append("(offset ").Append(t.Offset).Append(')');
                return;
            case TimeSpan ts:
                sb.Append(ts.ToString("c", CultureInfo.InvariantCulture));
                return;
            case Enum e:
                sb.Append(e.ToString());
                return;
            case byte[] bytes:
                sb.Append("b64:").Append(Convert.ToBase64String(bytes));
                return;
            case IFormattable f when value.GetType().IsPrimitive || value is decimal:
                sb.Append(f.ToString(null, CultureInfo.InvariantCulture));
                return;
            case IDictionary dict:
            {
                var entries = new List<(string Key, object? Value)>();
                foreach (DictionaryEntry entry in dict) entries.Add((Render(entry.Key), entry.Value));
                sb.Append('{');
                var first = true;
                foreach (var (key, v) in entries.OrderBy(e => e.Key, StringComparer.Ordinal))
                {
                    if (!first) sb.Append(',');
                    first = false;
                    sb.Append(key).Append(':');
                    Write(sb, v);
                }
                sb.Append('}');
                return;
            }
            case IEnumerable list:
            {
                // IReadOnlyDictionary implementations that are not IDictionary land here as key/value pairs.
                sb.Append('[');
                var first = true;
                foreach (var item in list)
                {
                    if (!first) sb.Append(',');
                    first = false;
                    Write(sb, item);
                }
                sb.Append(']');
                return;
            }
        }

        var type = value.GetType();
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(KeyValuePair<,>))
        {
            Write(sb, type.GetProperty("Key")!.GetValue(value));
            sb.Append("=>");
            Write(sb, type.GetProperty("Value")!.GetValue(value));
            return;
        }

        sb.Append(type.Name).Append('{');
        var firstProp = true;
        foreach (var prop in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (prop.GetIndexParameters().Length > 0 || prop.Name == "EqualityContract") continue;
            if (!firstProp) sb.Append(',');
            firstProp = false;
            sb.Append(prop.Name).Append('=');
            Write(sb, prop.GetValue(value));
        }
        sb.Append('}');
    }
}
