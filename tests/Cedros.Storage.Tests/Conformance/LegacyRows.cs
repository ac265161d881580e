using System.Text.Json.Nodes;

namespace Cedros.Storage.Tests.Conformance;

/// <summary>JSON text to store as it is in a JSON column (jsonb on PostgreSQL, TEXT on SQLite).</summary>
public sealed record RawJson(string Text);

/// <summary>
/// One row as an earlier Cedros server (or a hand-written SQL script) left it, inserted with plain SQL, bypassing the
/// library. Values: <see cref="string"/>, <see cref="long"/>, <see cref="int"/>, <see cref="double"/>, <see cref="bool"/>,
/// <see cref="DateTimeOffset"/>, <see cref="RawJson"/>, <see cref="byte"/>[] or null. Table names are the default
/// mapping's; a column the backend's table does not have is left out (so one row fits a seed-DDL and a migrated table).
/// </summary>
public sealed record RawRow(string Table, IReadOnlyList<(string Column, object? Value)> Columns)
{
    public static RawRow Of(string table, params (string Column, object? Value)[] columns) => new(table, columns);
}

/// <summary>A database holding raw rows, opened through the library.</summary>
public abstract class LegacyDatabase : IAsyncDisposable
{
    /// <summary>The storage opened on the database (migrated).</summary>
    public abstract ICedrosStorage Storage { get; }

    /// <summary>The stored text of one column of one row (<c>WHERE keyColumn = key</c>), as the database holds it.</summary>
    public abstract Task<string?> ReadRawAsync(string table, string column, string keyColumn, string key);

    /// <summary>Inserts more raw rows into the open database.</summary>
    public abstract Task InsertAsync(IReadOnlyList<RawRow> rows);

    public abstract ValueTask DisposeAsync();
}

/// <summary>A backend that can hold rows written outside the library.</summary>
public interface ILegacyRowFixture
{
    /// <summary>Backend name for messages.</summary>
    string Name { get; }

    /// <summary>Makes a database containing <paramref name="rows"/> and opens (and so migrates) it with <paramref name="time"/>.</summary>
    Task<LegacyDatabase> OpenWithRowsAsync(IReadOnlyList<RawRow> rows, TimeProvider time);
}

/// <summary>The key spellings earlier Cedros servers wrote into JSON columns.</summary>
public enum Spelling
{
    /// <summary><c>resource_id</c> (this library's canonical form).</summary>
    Snake,
    /// <summary><c>resourceId</c> (JSON tags in camelCase).</summary>
    Camel,
    /// <summary><c>ResourceId</c>.</summary>
    Pascal,
    /// <summary><c>ResourceID</c>, <c>TrackingURL</c>: Go's encoding/json with no tags writes the Go field names.</summary>
    Go,
}

public static class Spell
{
    /// <summary>The snake_case key <paramref name="snake"/> in <paramref name="spelling"/>.</summary>
    public static string Key(string snake, Spelling spelling)
    {
        var parts = snake.Split('_');
        return spelling switch
        {
            Spelling.Snake => snake,
            Spelling.Camel => parts[0] + string.Concat(parts.Skip(1).Select(Upper)),
            Spelling.Pascal => string.Concat(parts.Select(Upper)),
            Spelling.Go => string.Concat(parts.Select(p => p is "id" or "url" ? p.ToUpperInvariant() : Upper(p))),
            _ => throw new ArgumentOutOfRangeException(nameof(spelling)),
        };
    }

    private static string Upper(string part) => part.Length == 0 ? part : char.ToUpperInvariant(part[0]) + part[1..];

    /// <summary>A JSON object whose keys (snake_case) are spelled in <paramref name="spelling"/>; values are JSON text.</summary>
    public static string Record(Spelling spelling, params (string Key, string Json)[] members) =>
        "{" + string.Join(", ", members.Select(m => $"\"{Key(m.Key, spelling)}\": {m.Json}")) + "}";

    /// <summary>True when two JSON texts are the same document (ignoring whitespace and key order).</summary>
    public static bool SameJson(string expected, string? actual) =>
        actual is not null && JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual));
}
