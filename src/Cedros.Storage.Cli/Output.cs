using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Cedros.Storage.Configuration;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Cedros.Storage.Cli;

/// <summary>Writing results: plain JSON on stdout for <c>--json</c>, Spectre.Console tables otherwise.</summary>
internal static class Output
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>Writes <paramref name="value"/> as JSON on stdout, bypassing Spectre.Console.</summary>
    public static void WriteJson<T>(T value)
    {
        using var stdout = Console.OpenStandardOutput();
        var bytes = JsonSerializer.SerializeToUtf8Bytes(value, JsonOptions);
        stdout.Write(bytes);
        stdout.Write("\n"u8);
        stdout.Flush();
    }

    /// <summary>A two-column key/value table.</summary>
    public static Table KeyValueTable(string keyHeader, string valueHeader, IEnumerable<(string Key, string Value)> rows)
    {
        var table = new Table().Border(TableBorder.Rounded).AddColumn(keyHeader).AddColumn(valueHeader);
        foreach (var (key, value) in rows) table.AddRow(Cell(key), Cell(value));
        return keyHeader.Length == 0 && valueHeader.Length == 0 ? table.HideHeaders() : table;
    }

    /// <summary>A table cell showing <paramref name="text"/> literally (no markup interpretation).</summary>
    public static IRenderable Cell(string? text) => new Text(text ?? "");

    /// <summary>Writes a line of plain text (never interpreted as markup) through Spectre.Console.</summary>
    public static void Line(string text) => AnsiConsole.WriteLine(text);

    /// <summary>Backend name as written in configuration.</summary>
    public static string BackendName(StorageBackend backend) => backend switch
    {
        StorageBackend.Postgres => "postgres",
        StorageBackend.Memory => "memory",
        _ => "sqlite",
    };

    /// <summary>An instant as <c>2026-01-02T03:04:05Z</c> (UTC), or empty.</summary>
    public static string Instant(DateTimeOffset? value) =>
        value is { } v ? v.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "";

    /// <summary>A duration in Go style: <c>2160h</c>, <c>1h30m</c>, <c>90s</c>, <c>250ms</c>.</summary>
    public static string Duration(TimeSpan value)
    {
        if (value == TimeSpan.Zero) return "0s";
        var sb = new StringBuilder();
        if (value < TimeSpan.Zero)
        {
            sb.Append('-');
            value = value.Negate();
        }
        var hours = (long)value.TotalHours;
        if (hours > 0) sb.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
        if (value.Minutes > 0) sb.Append(value.Minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
        if (value.Seconds > 0) sb.Append(value.Seconds.ToString(CultureInfo.InvariantCulture)).Append('s');
        var subSecond = value.Ticks % TimeSpan.TicksPerSecond;
        if (subSecond > 0)
        {
            sb.Append((subSecond / (double)TimeSpan.TicksPerMillisecond).ToString("0.###", CultureInfo.InvariantCulture)).Append("ms");
        }
        return sb.ToString();
    }
}
