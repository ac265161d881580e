using Cedros.Storage.Configuration;
using Cedros.Storage.Internal;
using Cedros.Storage.Schema;
using Npgsql;

namespace Cedros.Storage.Postgres;

/// <summary>What every store of one <see cref="PostgresStorage"/> shares: the data source, options, clock and the SQL
/// text with the mapped table names substituted (rendered once per template).</summary>
internal sealed class PostgresContext(NpgsqlDataSource dataSource, StorageOptions options, ResolvedTables tables, TimeProvider time)
{
    private readonly SqlTemplate _sql = new(tables);
    private readonly TemplateCache<PgStatement> _statements = new(t => PgStatement.Parse(SqlTemplate.Render(t, tables)));

    public NpgsqlDataSource DataSource { get; } = dataSource;
    public StorageOptions Options { get; } = options;
    public ResolvedTables Tables { get; } = tables;
    public TimeProvider Time { get; } = time;

    /// <summary>The orders' searched columns as PostgreSQL's statistics describe them (order search).</summary>
    public PostgresSearchSamples SearchSamples { get; } = new(time);

    /// <summary>The archive table; when archival deletes (<c>archive_table = ""</c>) the default name still exists
    /// (empty), so replay checks have one shape.</summary>
    public TableName ArchiveTable { get; } = tables.PaymentsArchive
        ?? TableName.Parse(tables.Payments + "_archive", "storage.archival.archive_table");

    /// <summary>True when archival moves rows; false when it deletes them.</summary>
    public bool ArchiveEnabled => Tables.PaymentsArchive is not null;

    public DateTimeOffset Now => StorageTime.Now(Time);

    public int BatchSize => Math.Max(1, Options.HousekeepingBatchSize);

    /// <summary>The SQL of a template (<see cref="SqlTemplate"/>), rendered once.</summary>
    public string Sql(string template) => _sql[template];

    /// <summary>The template rendered and its placeholders made positional (<see cref="PgStatement"/>), once.</summary>
    public PgStatement Statement(string template) => _statements[template];
}
