using System.Data.Common;
using Cedros.Storage.Internal;
using Cedros.Storage.Schema.Rows;

namespace Cedros.Storage.Sql;

/// <summary>
/// The few ways the two SQL backends store a value differently, behind one small object per backend: how an instant is
/// read (PostgreSQL <c>TIMESTAMP[TZ]</c>, SQLite INTEGER microseconds), how a JSON value and a nullable text or instant
/// are bound (PostgreSQL wants the type of a NULL and <c>jsonb</c> typing), and the binary collation's name. Everything
/// else about a row is written once over <see cref="DbDataReader"/> (Schema/Rows). The readers tolerate the NULLs a
/// seed-created PostgreSQL database may hold.
/// </summary>
internal abstract class SqlCodec
{
    private readonly TemplateCache<string> _dialect;

    protected SqlCodec()
    {
        Rows = new(this);
        _dialect = new(t => t.Replace("{C}", OrdinalCollation, StringComparison.Ordinal).Replace("{payload}", WebhookPayload, StringComparison.Ordinal));
    }

    /// <summary>The expression a webhook's payload is read from (<c>{payload}</c> in a template).</summary>
    protected virtual string WebhookPayload => "payload";

    /// <summary>The name of the byte-order collation: <c>ORDER BY id COLLATE {C}</c> sorts ids ordinally everywhere.</summary>
    protected abstract string OrdinalCollation { get; }

    /// <summary>Row readers bound to this codec (one delegate per entity, allocated once).</summary>
    public RowReaders Rows { get; }

    /// <summary>An instant column, or null.</summary>
    public abstract DateTimeOffset? OptTime(DbDataReader r, int i);

    /// <summary>A JSON column's parameter value (NULL for null).</summary>
    public virtual object? Json<T>(T value) => value is null ? null : StorageJson.Serialize(value);

    /// <summary>A nullable text parameter whose type need not be inferred from the SQL.</summary>
    public virtual object? TextArg(string? value) => value;

    /// <summary>A nullable instant parameter whose type need not be inferred from the SQL.</summary>
    public virtual object? TimeArg(DateTimeOffset? value) => value;

    /// <summary>A LIMIT parameter; null means no limit.</summary>
    public abstract object Limit(int? limit);

    /// <summary>The shared template with this backend's collation substituted for <c>{C}</c> and its payload expression
    /// for <c>{payload}</c> (once per template).</summary>
    public string Dialect(string template) => _dialect[template];

    public DateTimeOffset Time(DbDataReader r, int i) => OptTime(r, i) ?? default;

    /// <summary>A text column this backend's own schema declares NOT NULL. PostgreSQL still reads a NULL as "" (a
    /// seed-created database may hold one); SQLite reads the value directly, because its driver checks for NULL again
    /// inside every getter (one native call per column saved on hot reads).</summary>
    public virtual string NotNullStr(DbDataReader r, int i) => Str(r, i);

    /// <summary>As <see cref="NotNullStr"/> for an integer column.</summary>
    public virtual long NotNullLong(DbDataReader r, int i) => Long(r, i);

    /// <summary>As <see cref="NotNullStr"/> for an instant column.</summary>
    public virtual DateTimeOffset NotNullTime(DbDataReader r, int i) => Time(r, i);

    /// <summary>A LIKE pattern matching any text that contains <paramref name="text"/> literally: %, _ and \ escaped by
    /// a backslash (PostgreSQL's default escape; SQLite needs <c>ESCAPE '\'</c>).</summary>
    public static string LikeContaining(string text) =>
        "%" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal)
            .Replace("_", "\\_", StringComparison.Ordinal) + "%";

    public static string Str(DbDataReader r, int i) => r.IsDBNull(i) ? "" : r.GetString(i);
    public static string? OptStr(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
    public static long Long(DbDataReader r, int i) => r.IsDBNull(i) ? 0 : r.GetInt64(i);
    public static long? OptLong(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);
    public static int Int(DbDataReader r, int i, int fallback = 0) => r.IsDBNull(i) ? fallback : r.GetInt32(i);
    public static int? OptInt(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt32(i);
    public static bool Bool(DbDataReader r, int i, bool fallback = false) => r.IsDBNull(i) ? fallback : r.GetBoolean(i);
    public static double Double(DbDataReader r, int i) => r.IsDBNull(i) ? 0 : r.GetDouble(i);
    public static byte[] Bytes(DbDataReader r, int i) => r.IsDBNull(i) ? [] : r.GetFieldValue<byte[]>(i);

    public static T EnumOf<T>(DbDataReader r, int i, T fallback) where T : struct, System.Enum =>
        r.IsDBNull(i) ? fallback : EnumText<T>.Parse(r.GetString(i));

    public static IReadOnlyDictionary<string, string> Meta(DbDataReader r, int i) => StorageJson.Metadata(OptStr(r, i));

    /// <summary>A JSON array column as a read-only list (empty when NULL).</summary>
    public static IReadOnlyList<T> JsonList<T>(DbDataReader r, int i) => JsonList<T>(OptStr(r, i));

    /// <summary>A JSON array as a read-only list (empty when null).</summary>
    public static IReadOnlyList<T> JsonList<T>(string? json) =>
        StorageJson.Deserialize<List<T>?>(json, null)?.AsReadOnly() ?? (IReadOnlyList<T>)[];

    /// <summary>The stored text of an enum value.</summary>
    public static string Text<T>(T value) where T : struct, System.Enum => EnumText<T>.ToText(value);
}
