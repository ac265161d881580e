using System.Text.RegularExpressions;

namespace Cedros.Storage.Schema;

/// <summary>
/// A validated table name, optionally schema-qualified (<c>schema.table</c>). Always emitted quoted, so a mapped name
/// can never inject SQL.
/// </summary>
internal sealed partial record TableName
{
    private TableName(string? schema, string name)
    {
        SchemaName = schema;
        Name = name;
    }

    /// <summary>The schema part, or null.</summary>
    public string? SchemaName { get; }

    /// <summary>The bare table name.</summary>
    public string Name { get; }

    /// <summary>The quoted, possibly qualified name for SQL: <c>"schema"."table"</c> or <c>"table"</c>.</summary>
    public string Quoted => SchemaName is null ? Quote(Name) : $"{Quote(SchemaName)}.{Quote(Name)}";

    /// <summary>True when <paramref name="value"/> is <c>^[A-Za-z_][A-Za-z0-9_]{0,62}$</c>, optionally <c>schema.table</c>.</summary>
    public static bool IsValid(string? value) => value is not null && Pattern().IsMatch(value);

    /// <summary>Parses a configured name; <paramref name="configKey"/> names the setting in the error.</summary>
    public static TableName Parse(string? value, string configKey)
    {
        if (!IsValid(value))
            throw new StorageConfigurationException(configKey,
                $"'{value}' is not a valid table name (expected ^[A-Za-z_][A-Za-z0-9_]{{0,62}}$, optionally schema.table).");
        var dot = value!.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? new TableName(null, value) : new TableName(value[..dot], value[(dot + 1)..]);
    }

    /// <summary>
    /// A quoted index name derived from this table: <paramref name="pattern"/> with <c>{table}</c> replaced by the bare
    /// table name (e.g. <c>idx_{table}_tenant</c>), cut to PostgreSQL's 63-byte identifier limit.
    /// </summary>
    public string Index(string pattern)
    {
        var name = pattern.Replace("{table}", Name, StringComparison.Ordinal);
        return Quote(name.Length > 63 ? name[..63] : name);
    }

    /// <summary>
    /// A quoted table (or function) name derived like <see cref="Index"/>, in this table's schema: a companion object
    /// lives beside its table whatever the connection's search_path.
    /// </summary>
    public string Companion(string pattern) => SchemaName is null ? Index(pattern) : $"{Quote(SchemaName)}.{Index(pattern)}";

    /// <summary>Same as <see cref="Index"/> but unquoted.</summary>
    public string IndexBare(string pattern)
    {
        var name = pattern.Replace("{table}", Name, StringComparison.Ordinal);
        return name.Length > 63 ? name[..63] : name;
    }

    /// <inheritdoc />
    public override string ToString() => SchemaName is null ? Name : $"{SchemaName}.{Name}";

    private static string Quote(string identifier) => $"\"{identifier}\"";

    // \z, not $: "$" also matches before a final "\n", which would let "orders\n" through.
    [GeneratedRegex(@"\A([A-Za-z_][A-Za-z0-9_]{0,62}\.)?[A-Za-z_][A-Za-z0-9_]{0,62}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
