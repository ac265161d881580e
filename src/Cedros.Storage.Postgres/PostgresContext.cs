using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Cedros.Storage.Configuration;
using Cedros.Storage.Internal;
using Cedros.Storage.Schema;
using Npgsql;

namespace Cedros.Storage.Postgres;

/// <summary>What every store of one <see cref="PostgresStorage"/> shares: the data source, options, clock and the SQL
/// text with the mapped table names substituted (rendered once per template).</summary>
internal sealed partial class PostgresContext(NpgsqlDataSource dataSource, StorageOptions options, ResolvedTables tables, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, string> _sql = new(StringComparer.Ordinal);

    public NpgsqlDataSource DataSource { get; } = dataSource;
    public StorageOptions Options { get; } = options;
    public ResolvedTables Tables { get; } = tables;
    public TimeProvider Time { get; } = time;

    /// <summary>The archive table; when archival deletes (<c>archive_table = ""</c>) the default name still exists
    /// (empty), so replay checks have one shape.</summary>
    public TableName ArchiveTable { get; } = tables.PaymentsArchive
        ?? TableName.Parse(tables.Payments + "_archive", "storage.archival.archive_table");

    /// <summary>True when archival moves rows; false when it deletes them.</summary>
    public bool ArchiveEnabled => Tables.PaymentsArchive is not null;

    public DateTimeOffset Now => StorageTime.Now(Time);

    public int BatchSize => Math.Max(1, Options.HousekeepingBatchSize);

    /// <summary>The SQL of a template: <c>[[x]]</c> → quoted table x, <c>[[x|pattern_%]]</c> → quoted index name
    /// derived from x, <c>[[x!]]</c> → the quoted name as a string literal.</summary>
    public string Sql(string template) => _sql.GetOrAdd(template, Render);

    private string Render(string template) => Token().Replace(template, m =>
    {
        var table = Table(m.Groups[1].Value);
        if (m.Groups[2].Success) return table.Index(m.Groups[2].Value.Replace("%", "{table}", StringComparison.Ordinal));
        if (m.Groups[3].Success) return "'" + table.Quoted + "'";
        return table.Quoted;
    });

    private TableName Table(string entity) => entity switch
    {
        "payments" => Tables.Payments,
        "payments_archive" => ArchiveTable,
        "sessions" => Tables.Sessions,
        "products" => Tables.Products,
        "coupons" => Tables.Coupons,
        "cart_quotes" => Tables.CartQuotes,
        "refund_quotes" => Tables.RefundQuotes,
        "admin_nonces" => Tables.AdminNonces,
        "webhook_queue" => Tables.WebhookQueue,
        "orders" => Tables.Orders,
        "order_history" => Tables.OrderHistory,
        "fulfillments" => Tables.Fulfillments,
        "inventory_reservations" => Tables.InventoryReservations,
        "subscriptions" => Tables.Subscriptions,
        "idempotency_keys" => Tables.IdempotencyKeys,
        "schema_migrations" => Tables.SchemaMigrations,
        _ => throw new InvalidOperationException($"unknown table token '{entity}'."),
    };

    [GeneratedRegex(@"\[\[([a-z_]+)(?:\|([A-Za-z0-9_%]+)|(!))?\]\]", RegexOptions.CultureInvariant)]
    private static partial Regex Token();
}
