using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
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
        // Plain text in strings: a webhook payload {"a":1} prints as "{\"a\":1}", not "{\u0022a\u0022:1}". The output
        // is data for jq and people, never embedded in HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>Writes <paramref name="value"/> as JSON on stderr (errors under <c>--json</c>), on one line.</summary>
    public static void WriteJsonError<T>(T value) => Console.Error.WriteLine(JsonSerializer.Serialize(value, JsonLineOptions));

    private static readonly JsonSerializerOptions JsonLineOptions = new(JsonOptions) { WriteIndented = false };

    /// <summary>An enum value as the contract writes it (<c>past_due</c>), the same word JSON uses.</summary>
    public static string Word<T>(T value) where T : struct, Enum => Internal.EnumText<T>.ToText(value);

    /// <summary>A table column for ids and other values that must stay copy-pastable: never wrapped or cut.</summary>
    public static TableColumn IdColumn(string header) => new TableColumn(header).NoWrap();

    /// <summary>Below this console width a listing is printed as one block per row (<see cref="Records"/>) instead of a
    /// table whose narrow columns would break every value over many lines.</summary>
    public const int WideTableMinWidth = 140;

    /// <summary>True when the console is wide enough for a many-column table.</summary>
    public static bool Wide => AnsiConsole.Profile.Width >= WideTableMinWidth;

    /// <summary>
    /// Rows as blocks of plain lines: the first line is the row's id and headline values (never wrapped by the tool, so
    /// the id stays copy-pastable), then one indented <c>key: value</c> line per other field that has a value.
    /// </summary>
    public static void Records<T>(IEnumerable<T> rows, Func<T, string> headline, Func<T, IEnumerable<(string Key, string? Value)>> fields)
    {
        var first = true;
        foreach (var row in rows)
        {
            if (!first) Line("");
            first = false;
            Line(headline(row));
            foreach (var (key, value) in fields(row))
                if (!string.IsNullOrEmpty(value)) Line($"    {key}: {value}");
        }
    }

    /// <summary>A count with thousands separators: <c>1,000,000</c>.</summary>
    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

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

    /// <summary>Writes a line of plain text (never interpreted as markup).</summary>
    /// <remarks>Written straight to stdout: Spectre.Console would break a long line at the console width, and a line
    /// may carry an id, a URL or a path that must stay copy-pastable.</remarks>
    public static void Line(string text) => Console.Out.WriteLine(text);

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
