using System.Text.Json;
using System.Text.Json.Serialization;

namespace Cedros.Storage.Internal;

/// <summary>The one JSON (de)serialiser for JSON columns in every backend (snake_case keys, nulls omitted).</summary>
public static class StorageJson
{
    /// <summary>Options used for every JSON column.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>Serialises a value for a JSON column.</summary>
    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>Reads a JSON column; null or empty text gives <paramref name="fallback"/>.</summary>
    public static T Deserialize<T>(string? json, T fallback)
    {
        if (string.IsNullOrEmpty(json)) return fallback;
        try
        {
            return JsonSerializer.Deserialize<T>(json, Options) ?? fallback;
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
}
