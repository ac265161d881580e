using System.Text.RegularExpressions;
using Cedros.Storage.Internal;

namespace Cedros.Storage.Schema;

/// <summary>
/// The one SQL template syntax of both SQL backends, in their queries and their migrations: <c>[[entity]]</c> is the
/// entity's quoted table name, <c>[[entity|idx_%_suffix]]</c> the quoted name of an index derived from it (<c>%</c> is
/// the bare table name), <c>[[entity:%_suffix]]</c> the quoted name of a companion table or function derived the same
/// way and qualified by the entity's schema, <c>[[entity!]]</c> the quoted name as a string literal. Entities are the
/// <c>storage.schema_mapping</c> keys plus <c>payments_archive</c>.
/// </summary>
internal sealed partial class SqlTemplate(ResolvedTables tables)
{
    private readonly TemplateCache<string> _rendered = new(t => Render(t, tables));

    /// <summary>The tables templates are rendered against.</summary>
    public ResolvedTables Tables { get; } = tables;

    /// <summary>The SQL of <paramref name="template"/> (rendered once, then cached).</summary>
    public string this[string template] => _rendered[template];

    /// <summary>Renders without caching (migrations, scripts).</summary>
    public static string Render(string template, ResolvedTables tables) => Token().Replace(template, m =>
    {
        var table = tables.ByEntity(m.Groups[1].Value);
        if (m.Groups[2].Success) return table.Index(m.Groups[2].Value.Replace("%", "{table}", StringComparison.Ordinal));
        if (m.Groups[3].Success) return table.Companion(m.Groups[3].Value.Replace("%", "{table}", StringComparison.Ordinal));
        if (m.Groups[4].Success) return "'" + table.Quoted + "'";
        return table.Quoted;
    });

    [GeneratedRegex(@"\[\[([a-z_]+)(?:\|([A-Za-z0-9_%]+)|:([A-Za-z0-9_%]+)|(!))?\]\]", RegexOptions.CultureInvariant)]
    private static partial Regex Token();
}
