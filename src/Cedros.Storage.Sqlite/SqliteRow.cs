using Cedros.Storage.Internal;
using Microsoft.Data.Sqlite;

namespace Cedros.Storage.Sqlite;

/// <summary>Typed column readers shared by every <c>ReadX(reader)</c> mapping.</summary>
internal static class SqliteRow
{
    public static string Str(this SqliteDataReader r, int i) => r.IsDBNull(i) ? "" : r.GetString(i);
    public static string? StrOrNull(this SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
    public static long Long(this SqliteDataReader r, int i) => r.IsDBNull(i) ? 0 : r.GetInt64(i);
    public static long? LongOrNull(this SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);
    public static int Int(this SqliteDataReader r, int i) => r.IsDBNull(i) ? 0 : r.GetInt32(i);
    public static int? IntOrNull(this SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt32(i);
    public static bool Bool(this SqliteDataReader r, int i) => !r.IsDBNull(i) && r.GetInt64(i) != 0;
    public static DateTimeOffset Time(this SqliteDataReader r, int i) =>
        r.IsDBNull(i) ? default : StorageTime.FromUnixMicros(r.GetInt64(i));
    public static DateTimeOffset? TimeOrNull(this SqliteDataReader r, int i) =>
        r.IsDBNull(i) ? null : StorageTime.FromUnixMicros(r.GetInt64(i));
    public static IReadOnlyDictionary<string, string> Metadata(this SqliteDataReader r, int i) =>
        StorageJson.Metadata(r.StrOrNull(i));
    public static T Json<T>(this SqliteDataReader r, int i, T fallback) => StorageJson.Deserialize(r.StrOrNull(i), fallback);
    public static T Enum<T>(this SqliteDataReader r, int i) where T : struct, System.Enum => EnumText<T>.Parse(r.Str(i));
    public static byte[] Blob(this SqliteDataReader r, int i) => r.IsDBNull(i) ? [] : (byte[])r.GetValue(i);

    /// <summary>Text of an enum value as stored.</summary>
    public static string Text<T>(T value) where T : struct, System.Enum => EnumText<T>.ToText(value);

    /// <summary>A JSON column's text.</summary>
    public static string Json<T>(T value) => StorageJson.Serialize(value);
}
