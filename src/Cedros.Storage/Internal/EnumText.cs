using System.Collections.Frozen;
using System.Text;

namespace Cedros.Storage.Internal;

/// <summary>Maps status enums to the lower snake-case text stored in every backend (<c>PastDue</c> ⇄ <c>past_due</c>).</summary>
internal static class EnumText<T> where T : struct, Enum
{
    private static readonly FrozenDictionary<T, string> ToTextMap =
        Enum.GetValues<T>().ToFrozenDictionary(v => v, v => Snake(v.ToString()));
    private static readonly FrozenDictionary<string, T> FromTextMap =
        ToTextMap.ToFrozenDictionary(p => p.Value, p => p.Key, StringComparer.OrdinalIgnoreCase);

    /// <summary>The stored text.</summary>
    public static string ToText(T value) => ToTextMap.TryGetValue(value, out var text)
        ? text
        : throw new StorageValidationException($"{typeof(T).Name} value {value} is not defined.", typeof(T).Name);

    /// <summary>Parses stored text; unknown text is an Internal error (the database holds something we never wrote).</summary>
    public static T Parse(string text) => FromTextMap.TryGetValue(text, out var value)
        ? value
        : throw new StorageException(StorageErrorKind.Internal, $"unknown {typeof(T).Name} '{text}' in storage.");

    /// <summary>True when the value is a defined member.</summary>
    public static bool IsDefined(T value) => ToTextMap.ContainsKey(value);

    private static string Snake(string name)
    {
        var sb = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0) sb.Append('_');
            sb.Append(char.ToLowerInvariant(name[i]));
        }
        return sb.ToString();
    }
}
