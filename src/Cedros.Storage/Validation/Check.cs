using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Cedros.Storage.Internal;

namespace Cedros.Storage.Validation;

/// <summary>Field-level rules. Each throws <see cref="StorageValidationException"/> naming the field.</summary>
internal static partial class Check
{
    /// <summary>An id: 1–255 chars, not only whitespace, well-formed (<see cref="WellFormed"/>).</summary>
    public static string Id(string? value, string field, int? item = null)
    {
        if (string.IsNullOrWhiteSpace(value)) throw new StorageValidationException($"{field} is required.", field, item);
        if (value.Length > Limits.MaxIdLength) throw new StorageValidationException($"{field} is longer than {Limits.MaxIdLength} characters.", field, item);
        return WellFormed(value, field, item);
    }

    /// <summary>A required text field (non-empty, ≤ 4 KiB).</summary>
    public static string Required(string? value, string field, int? item = null)
    {
        if (string.IsNullOrWhiteSpace(value)) throw new StorageValidationException($"{field} is required.", field, item);
        return Text(value, field, item)!;
    }

    /// <summary>An optional text field (≤ 4 KiB, well-formed).</summary>
    public static string? Text(string? value, string field, int? item = null)
    {
        if (value is null) return null;
        if (value.Length > Limits.MaxTextLength)
            throw new StorageValidationException($"{field} is longer than {Limits.MaxTextLength} characters.", field, item);
        return WellFormed(value, field, item);
    }

    /// <summary>
    /// The one well-formedness rule for text (contract §0 "Text"): no NUL character (PostgreSQL cannot store one) and no
    /// lone UTF-16 surrogate (it has no UTF-8 form: PostgreSQL's driver throws, SQLite silently stores U+FFFD so two
    /// different strings collide). Every string check above calls this, so every backend rejects the same text.
    /// </summary>
    public static string WellFormed(string value, string field, int? item = null)
    {
        var at = FirstIllFormed(value);
        if (at < 0) return value;
        throw new StorageValidationException(value[at] == '\0'
            ? $"{field} must not contain a NUL character (at index {at})."
            : $"{field} is not well-formed text: a lone UTF-16 surrogate at index {at}.", field, item);
    }

    /// <summary>The index of the first NUL or lone surrogate in <paramref name="value"/>, or -1.</summary>
    public static int FirstIllFormed(ReadOnlySpan<char> value)
    {
        // Vectorised fast path (every id and text of a 10,000-row batch passes here): no surrogate at all, so only a NUL
        // can be wrong. Text with surrogates (emoji, rare scripts) takes the pair-checking loop from the first one.
        var surrogate = value.IndexOfAnyInRange('\uD800', '\uDFFF');
        if (surrogate < 0) return value.IndexOf('\0');
        var nul = value[..surrogate].IndexOf('\0');
        if (nul >= 0) return nul;
        for (var i = surrogate; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\0') return i;
            if (!char.IsSurrogate(c)) continue;
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
                continue;
            }
            return i;
        }
        return -1;
    }

    /// <summary>
    /// A JSON document given as text (a webhook payload, kept byte-exact): present, ≤ 1 MiB, well-formed text, exactly
    /// one valid JSON value, and no string or property name that decodes to a NUL or a lone surrogate (<c>"\u0000"</c>,
    /// <c>"\ud800"</c>): PostgreSQL's <c>jsonb</c> refuses both, so every backend refuses them.
    /// </summary>
    public static string Json(string? value, string field, int? item = null)
    {
        if (string.IsNullOrWhiteSpace(value)) throw new StorageValidationException($"{field} is required.", field, item);
        Size(value, field, item);
        WellFormed(value, field, item);
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(value));
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName) || !reader.ValueIsEscaped) continue;
                if (reader.GetString()!.Contains('\0', StringComparison.Ordinal))
                    throw new StorageValidationException($"{field} must not contain a JSON string with a NUL character (\\u0000).", field, item);
            }
        }
        catch (JsonException)
        {
            throw new StorageValidationException($"{field} must be valid JSON.", field, item);
        }
        catch (InvalidOperationException)
        {
            // GetString refuses an escaped lone surrogate such as "\ud800".
            throw new StorageValidationException($"{field} must not contain a JSON string with a lone UTF-16 surrogate escape.", field, item);
        }
        return value;
    }

    /// <summary>An amount ≥ 0.</summary>
    public static long Amount(long value, string field, int? item = null) =>
        value >= 0 ? value : throw new StorageValidationException($"{field} must not be negative.", field, item);

    /// <summary>A quantity ≥ 1.</summary>
    public static int Quantity(int value, string field, int? item = null) =>
        value >= 1 ? value : throw new StorageValidationException($"{field} must be at least 1.", field, item);

    /// <summary>A defined enum member.</summary>
    public static T Defined<T>(T value, string field, int? item = null) where T : struct, Enum =>
        EnumText<T>.IsDefined(value) ? value : throw new StorageValidationException($"{field} has an unknown value.", field, item);

    /// <summary>A JSON document serialised from <paramref name="value"/> must fit in 1 MiB.</summary>
    public static void DocumentSize<T>(T value, string field, int? item = null)
    {
        if (value is null) return;
        Size(StorageJson.Serialize(value), field, item);
    }

    /// <summary>Items serialised as one JSON array must fit in 1 MiB: serialised to measure them only when the sum of
    /// <paramref name="bound"/> (an upper bound of each item's size, <see cref="JsonSizeBound"/>) says they might not.</summary>
    public static void DocumentSize<T>(IReadOnlyList<T> items, Func<T, long> bound, string field, int? item = null)
    {
        long total = 2;
        for (var i = 0; i < items.Count; i++) total += bound(items[i]) + 1;
        if (total > Limits.MaxDocumentBytes) DocumentSize(items, field, item);
    }

    /// <summary>Text must fit in 1 MiB (UTF-8).</summary>
    public static void Size(string value, string field, int? item = null)
    {
        if (Encoding.UTF8.GetByteCount(value) > Limits.MaxDocumentBytes)
            throw new StorageValidationException($"{field} is larger than 1 MiB.", field, item);
    }

    /// <summary>A map's keys and values are checked as text fields and the whole must fit in 1 MiB.</summary>
    public static IReadOnlyDictionary<string, string> Map(IReadOnlyDictionary<string, string>? map, string field, int? item = null)
    {
        if (map is null || map.Count == 0) return EmptyMetadata.Instance;
        var copy = new Dictionary<string, string>(map.Count, StringComparer.Ordinal);
        MapEntries(map, field, item, copy);
        return copy.AsReadOnly();
    }

    /// <summary>
    /// A map checked as <see cref="Map"/> does but not copied: for a payment's metadata, which every SQL backend
    /// serialises within the same call and the in-memory backend copies when it stores it. A batch of 10,000 payments
    /// otherwise kept 10,000 map copies alive through its <c>COPY</c>, and collecting them cost the batch ~10%
    /// (docs/benchmarks.md). A caller that changes the map while the call runs is racing its own call, as with any
    /// non-thread-safe collection.
    /// </summary>
    public static IReadOnlyDictionary<string, string> MapInPlace(IReadOnlyDictionary<string, string>? map, string field, int? item = null)
    {
        if (map is null || map.Count == 0) return EmptyMetadata.Instance;
        MapEntries(map, field, item, copy: null);
        return map;
    }

    private static void MapEntries(IReadOnlyDictionary<string, string> map, string field, int? item, Dictionary<string, string>? copy)
    {
        // An upper bound of the JSON's UTF-8 size (JsonSizeBound). Only a map that might exceed the limit is serialised
        // to measure it exactly (a batch of 10,000 payments would otherwise serialise every map once just to measure it).
        long bound = 2;
        if (map is Dictionary<string, string> dictionary)
        {
            // The common map, enumerated without boxing its enumerator (a 10,000-payment batch checks 10,000 maps).
            foreach (var (key, value) in dictionary) bound += Entry(key, value, field, item, copy);
        }
        else
        {
            foreach (var (key, value) in map) bound += Entry(key, value, field, item, copy);
        }
        if (bound > Limits.MaxDocumentBytes) DocumentSize(map, field, item);
    }

    /// <summary>Checks one map entry (copying it when <paramref name="copy"/> is given); returns its JSON size bound.</summary>
    private static long Entry(string key, string value, string field, int? item, Dictionary<string, string>? copy)
    {
        if (key is null || value is null) throw new StorageValidationException($"{field} must not contain null keys or values.", field, item);
        WellFormed(key, field, item);
        WellFormed(value, field, item);
        if (copy is not null) copy[key] = value;
        return JsonSizeBound.MapEntry(key, value);
    }

    /// <summary>A page: 0 ≤ limit ≤ 1000, offset ≥ 0.</summary>
    public static void Page(int limit, int offset = 0)
    {
        if (limit < 0 || limit > Limits.MaxPageSize) throw new StorageValidationException($"limit must be between 0 and {Limits.MaxPageSize}.", "limit");
        if (offset < 0) throw new StorageValidationException("offset must not be negative.", "offset");
    }

    /// <summary>A batch: not null, ≤ 10,000 items, no null item.</summary>
    public static void Batch<T>(IReadOnlyList<T>? items, string field) where T : class
    {
        if (items is null) throw new StorageValidationException($"{field} is required.", field);
        if (items.Count > Limits.MaxBatchItems) throw new StorageValidationException($"{field} has more than {Limits.MaxBatchItems} items.", field);
        for (var i = 0; i < items.Count; i++)
            if (items[i] is null) throw new StorageValidationException($"{field} contains a null item.", field, i);
    }

    /// <summary>No key may repeat within a batch.</summary>
    public static void Distinct<T>(IReadOnlyList<T> items, Func<T, string> key, string field, StringComparer? comparer = null)
    {
        var seen = new HashSet<string>(items.Count, comparer ?? StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
            if (!seen.Add(key(items[i]))) throw new StorageValidationException($"{field} '{key(items[i])}' appears twice in the batch.", field, i);
    }

    /// <summary>A duration in (0, <paramref name="max"/>] (every duration has an upper bound: contract §0 "Text").</summary>
    public static TimeSpan Duration(TimeSpan value, TimeSpan max, string field) =>
        value > TimeSpan.Zero && value <= max
            ? value
            : throw new StorageValidationException($"{field} must be positive and at most {max.TotalDays:0.##} day(s).", field);

    /// <summary>A stored response's time to live: (0, <see cref="Limits.MaxTtl"/>].</summary>
    public static TimeSpan Ttl(TimeSpan value, string field) => Duration(value, Limits.MaxTtl, field);

    /// <summary>A lock or lease time to live: (0, <see cref="Limits.MaxLeaseTtl"/>].</summary>
    public static TimeSpan Lease(TimeSpan value, string field) => Duration(value, Limits.MaxLeaseTtl, field);

    /// <summary>A required argument that is not text (a callback, a map of stock).</summary>
    public static T NotNull<T>(T? value, string field) where T : class =>
        value ?? throw new StorageValidationException($"{field} is required.", field);

    /// <summary>A coupon code: 1–64 chars of <c>[A-Za-z0-9_.-]</c>.</summary>
    public static string CouponCode(string? code, string field = "code", int? item = null) =>
        code is not null && CouponPattern().IsMatch(code)
            ? code
            : throw new StorageValidationException("coupon code must be 1-64 characters of [A-Za-z0-9_.-].", field, item);

    // \z, not $: "$" also matches before a final "\n", which would let "SAVE10\n" through.
    [GeneratedRegex(@"\A[A-Za-z0-9_.-]{1,64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex CouponPattern();
}
