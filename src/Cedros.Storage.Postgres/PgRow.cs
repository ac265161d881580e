using Cedros.Storage.Internal;
using Npgsql;

namespace Cedros.Storage.Postgres;

/// <summary>Column readers that tolerate the NULLs a seed-created database may hold. Instants are read as UTC whether
/// the column is <c>TIMESTAMP</c> (the seed's; holds UTC wall-clock) or <c>TIMESTAMPTZ</c>.</summary>
internal static class PgRow
{
    public static string Str(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? "" : r.GetString(i);
    public static string? OptStr(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
    public static long Long(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? 0 : r.GetInt64(i);
    public static long? OptLong(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);
    public static int Int(NpgsqlDataReader r, int i, int fallback = 0) => r.IsDBNull(i) ? fallback : r.GetInt32(i);
    public static int? OptInt(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt32(i);
    public static bool Bool(NpgsqlDataReader r, int i, bool fallback = false) => r.IsDBNull(i) ? fallback : r.GetBoolean(i);
    public static double Double(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? 0 : r.GetDouble(i);

    public static DateTimeOffset Time(NpgsqlDataReader r, int i) => OptTime(r, i) ?? default;

    public static DateTimeOffset? OptTime(NpgsqlDataReader r, int i)
    {
        if (r.IsDBNull(i)) return null;
        var value = r.GetFieldValue<DateTime>(i);
        return new DateTimeOffset(value.Ticks, TimeSpan.Zero);
    }

    public static T Enum<T>(NpgsqlDataReader r, int i, T fallback) where T : struct, System.Enum =>
        r.IsDBNull(i) ? fallback : EnumText<T>.Parse(r.GetString(i));

    public static IReadOnlyDictionary<string, string> Meta(NpgsqlDataReader r, int i) => StorageJson.Metadata(OptStr(r, i));

    /// <summary>Metadata as a JSONB parameter.</summary>
    public static PgJson Json<T>(T value) => new(value is null ? null : StorageJson.Serialize(value));

    /// <summary>The stored text of an enum.</summary>
    public static string Text<T>(T value) where T : struct, System.Enum => EnumText<T>.ToText(value);
}
