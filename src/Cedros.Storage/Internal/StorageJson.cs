using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Cedros.Storage.Internal;

/// <summary>
/// The one JSON (de)serialiser for JSON columns in every backend. Writes one canonical form (snake_case keys, nulls
/// omitted). Reads tolerantly, because rows written by earlier Cedros servers spell keys differently
/// (docs/decisions.md, "Legacy JSON columns"):
/// <list type="bullet">
/// <item>a key matches a property whatever its case and underscores, so <c>resource_id</c>, <c>resourceId</c>,
/// <c>ResourceId</c> and Go's <c>ResourceID</c> are the same name (likewise <c>…URL</c>);</item>
/// <item>unknown keys are ignored; numbers written as strings are read;</item>
/// <item>a string-map value (metadata, shipping, headers) that is not a string is read as its JSON text
/// (<c>2</c> → <c>"2"</c>, <c>{"a":1}</c> → <c>"{\"a\":1}"</c>); <c>null</c> is read as <c>""</c>, as Go reads it;</item>
/// <item>a <c>null</c> column or map reads as empty.</item>
/// </list>
/// What still cannot be mapped (an object where a list is expected, a required id missing, text where a number is
/// expected) is an <see cref="StorageErrorKind.Internal"/> error.
/// </summary>
internal static class StorageJson
{
    /// <summary>Options every JSON column is written with (the canonical form).</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>Options every JSON column is read with (tolerant of earlier spellings).</summary>
    internal static JsonSerializerOptions ReadOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        PropertyNameCaseInsensitive = true,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        Converters =
        {
            new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower),
            new StringMapConverter(),
            new ReadOnlyStringMapConverter(),
        },
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { LegacyNames } },
    };

    /// <summary>Serialises a value for a JSON column. An empty string map (metadata, headers: most writes) is
    /// <c>{}</c> without the serializer, which cost about as much as the rest of a webhook's validation.</summary>
    public static string Serialize<T>(T value) =>
        value is IReadOnlyCollection<KeyValuePair<string, string>> { Count: 0 } ? EmptyObject : JsonSerializer.Serialize(value, Options);

    private const string EmptyObject = "{}";

    /// <summary>Reads a JSON column; null or empty text (or JSON <c>null</c>) gives <paramref name="fallback"/>.</summary>
    public static T Deserialize<T>(string? json, T fallback)
    {
        if (string.IsNullOrEmpty(json)) return fallback;
        try
        {
            return JsonSerializer.Deserialize<T>(json, ReadOptions) ?? fallback;
        }
        catch (JsonException ex)
        {
            throw new StorageException(StorageErrorKind.Internal, $"a stored JSON column could not be read as {typeof(T).Name}.", ex);
        }
    }

    /// <summary>Reads a metadata map column.</summary>
    public static IReadOnlyDictionary<string, string> Metadata(string? json) =>
        Deserialize<Dictionary<string, string>?>(json, null) ?? EmptyMetadata.Instance;

    /// <summary>Reads an optional map column (null stays null).</summary>
    public static IReadOnlyDictionary<string, string>? OptionalMap(string? json) =>
        string.IsNullOrEmpty(json) || json == "null" ? null : Deserialize<Dictionary<string, string>?>(json, null);

    /// <summary>True when <paramref name="text"/> is one well-formed JSON document.</summary>
    public static bool IsValidJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// Adds, for every property whose canonical name has underscores, a read-only alias without them
    /// (<c>resource_id</c> → <c>resourceid</c>); with case-insensitive matching, the two cover every spelling. Required
    /// members are checked after reading instead (whichever alias set them), so a missing id is still an error.
    /// </summary>
    private static void LegacyNames(JsonTypeInfo info)
    {
        if (info.Kind != JsonTypeInfoKind.Object) return;
        var names = new HashSet<string>(info.Properties.Select(p => p.Name), StringComparer.OrdinalIgnoreCase);
        var required = new List<JsonPropertyInfo>();
        var count = info.Properties.Count;
        for (var i = 0; i < count; i++)
        {
            var property = info.Properties[i];
            if (property.IsRequired && property.Get is not null) required.Add(property);
            property.IsRequired = false;
            var compact = property.Name.Replace("_", "", StringComparison.Ordinal);
            if (property.Set is null || !names.Add(compact)) continue;
            var alias = info.CreateJsonPropertyInfo(property.PropertyType, compact);
            alias.Set = property.Set;
            alias.CustomConverter = property.CustomConverter;
            alias.NumberHandling = property.NumberHandling;
            info.Properties.Add(alias);
        }
        if (required.Count == 0) return;
        var previous = info.OnDeserialized;
        info.OnDeserialized = value =>
        {
            foreach (var property in required)
                if (property.Get!(value) is null)
                    throw new JsonException($"required property '{property.Name}' is missing.");
            previous?.Invoke(value);
        };
    }

    /// <summary>Reads a JSON object as a string map: strings as they are, other values as their JSON text, null as "".</summary>
    internal static Dictionary<string, string> ReadStringMap(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("a JSON object was expected for a string map.");
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var key = reader.GetString()!;
            reader.Read();
            map[key] = reader.TokenType switch
            {
                JsonTokenType.String => reader.GetString()!,
                JsonTokenType.Null => "",
                JsonTokenType.StartObject or JsonTokenType.StartArray => RawText(ref reader),
                _ => Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan),
            };
        }
        return map;
    }

    private static string RawText(ref Utf8JsonReader reader)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return document.RootElement.GetRawText();
    }

    private sealed class StringMapConverter : JsonConverter<Dictionary<string, string>>
    {
        public override Dictionary<string, string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            ReadStringMap(ref reader);

        public override void Write(Utf8JsonWriter writer, Dictionary<string, string> value, JsonSerializerOptions options) =>
            throw new NotSupportedException("read-only options");
    }

    private sealed class ReadOnlyStringMapConverter : JsonConverter<IReadOnlyDictionary<string, string>>
    {
        // Go writes a nil map as null: an item's metadata is then empty, never null.
        public override bool HandleNull => true;

        public override IReadOnlyDictionary<string, string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Null ? EmptyMetadata.Instance : ReadStringMap(ref reader);

        public override void Write(Utf8JsonWriter writer, IReadOnlyDictionary<string, string> value, JsonSerializerOptions options) =>
            throw new NotSupportedException("read-only options");
    }
}
