namespace Cedros.Storage.Postgres;

/// <summary>
/// The orders' searched columns as PostgreSQL's statistics (<c>pg_stats</c>, kept by <c>ANALYZE</c> and autovacuum)
/// describe them, for <see cref="PostgresSearchPattern"/>: read on the search's own connection at most every
/// <see cref="MaxAge"/>, shared by every tenant of the storage. A table never analysed has none, and every term is then
/// looked up whole, as before.
/// </summary>
internal sealed class PostgresSearchSamples(TimeProvider time)
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(10);

    private const string Sql = """
        SELECT s.attname::text, coalesce(s.most_common_vals::text::text[], '{}'), coalesce(s.most_common_freqs, '{}'),
               coalesce(s.histogram_bounds::text::text[], '{}')
          FROM pg_stats AS s
          JOIN pg_class AS c ON c.relname = s.tablename
          JOIN pg_namespace AS n ON n.oid = c.relnamespace AND n.nspname = s.schemaname
         WHERE c.oid = '[[orders]]'::regclass AND NOT s.inherited
           AND s.attname = ANY(@columns)
        """;

    private volatile Snapshot? _current;

    public async Task<IReadOnlyDictionary<string, PostgresColumnSample>> GetAsync(PgConn c)
    {
        var now = time.GetUtcNow();
        if (_current is { } cached && now - cached.LoadedAt < MaxAge) return cached.Columns;
        var rows = await c.ListAsync(Sql, r => (
            Column: r.GetString(0),
            Common: r.GetFieldValue<string[]>(1).Zip(r.GetFieldValue<float[]>(2), (v, f) => (v, (double)f)).ToList(),
            Histogram: r.GetFieldValue<string[]>(3)), ("columns", PostgresStore.SearchedColumns)).ConfigureAwait(false);
        var columns = rows.ToDictionary(x => x.Column, x => new PostgresColumnSample(x.Common, x.Histogram), StringComparer.Ordinal);
        _current = new Snapshot(now, columns);
        return columns;
    }

    private sealed record Snapshot(DateTimeOffset LoadedAt, IReadOnlyDictionary<string, PostgresColumnSample> Columns);
}
