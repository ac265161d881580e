using Cedros.Storage.Schema;

namespace Cedros.Storage.Sqlite;

/// <summary>
/// Applies the embedded <c>Migrations/NNNN_name.sql</c> scripts in order. Each runs in its own <c>BEGIN IMMEDIATE</c>
/// transaction that first re-reads the history table, so concurrent migrators (in any process) are serialised by the
/// file lock and each version is applied exactly once. A changed already-applied script fails start-up.
/// </summary>
internal static class SqliteMigrator
{
    /// <summary>The embedded scripts, ordered by version.</summary>
    public static IReadOnlyList<MigrationScript> Scripts { get; } = MigrationScripts.Load(typeof(SqliteMigrator).Assembly);

    /// <summary>The newest version among the embedded scripts.</summary>
    public static long KnownVersion { get; } = Scripts.Count == 0 ? 0 : Scripts.Max(s => s.Version);

    /// <summary>The newest version recorded in the file's history table (0 when it has none).</summary>
    public static long AppliedVersion(SqliteEngine engine)
    {
        using var connection = engine.Open();
        return new SqliteSession(connection).Long($"SELECT coalesce(max(version), 0) FROM {engine.Tables.SchemaMigrations.Quoted}");
    }

    /// <summary>Every version recorded in the history table (empty when the table does not exist); reads only.</summary>
    public static IReadOnlyCollection<long> AppliedVersions(SqliteEngine engine)
    {
        using var connection = engine.Open();
        var session = new SqliteSession(connection);
        if (session.Long("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = @name",
                ("@name", engine.Tables.SchemaMigrations.Name)) == 0)
            return [];
        return session.List($"SELECT version FROM {engine.Tables.SchemaMigrations.Quoted}", r => r.GetInt64(0));
    }

    public static void Migrate(SqliteEngine engine, IReadOnlyList<MigrationScript>? scripts = null)
    {
        scripts ??= Scripts;
        var history = engine.Tables.SchemaMigrations.Quoted;
        using var connection = engine.Open();
        using var migrationSession = new SqliteSession(connection);
        PooledExecutor.RunImmediate(migrationSession, s => s.Execute($"""
            CREATE TABLE IF NOT EXISTS {history} (
                version INTEGER NOT NULL PRIMARY KEY,
                name TEXT NOT NULL,
                checksum TEXT NOT NULL,
                applied_at INTEGER NOT NULL
            )
            """));
        var known = scripts.Count == 0 ? 0 : scripts.Max(s => s.Version);
        // A database written by a newer library is refused before anything is applied to it.
        var newest = migrationSession.Long($"SELECT coalesce(max(version), 0) FROM {history}");
        if (newest > known)
            throw new StorageSchemaVersionException("SQLite", newest, known, []);
        var appliedNow = 0;
        foreach (var script in scripts)
        {
            appliedNow += PooledExecutor.RunImmediate(migrationSession, s =>
            {
                var applied = s.One($"SELECT checksum FROM {history} WHERE version = @version", r => r.GetString(0),
                    ("@version", script.Version));
                if (applied is not null)
                {
                    if (!string.Equals(applied, script.Checksum, StringComparison.OrdinalIgnoreCase) && !IsEarlierSpelling(script, applied))
                        throw new StorageException(StorageErrorKind.Internal,
                            $"migration {script.Version:D4}_{script.Name} was changed after it was applied (checksum differs); " +
                            "restore the original script and add a new migration instead.");
                    return 0;
                }
                s.Execute(SqlTemplate.Render(script.Text, engine.Tables));
                return s.Execute($"INSERT INTO {history} (version, name, checksum, applied_at) VALUES (@version, @name, @checksum, @at)",
                    ("@version", script.Version), ("@name", script.Name), ("@checksum", script.Checksum), ("@at", engine.Now));
            });
        }
        if (appliedNow > 0) AnalyzeNewIndexes(migrationSession);
        if (engine.Tables.PaymentsArchive is { } archive)
            PooledExecutor.RunImmediate(migrationSession, s => s.Execute(ArchiveTableSql(archive)));
    }

    /// <summary>
    /// In a file that has planner statistics (someone ran <c>ANALYZE</c>), a table whose new index has none is analysed
    /// again: SQLite's planner otherwise weighs the measured indexes against its default guess for the new one, which
    /// looks ten thousand times more selective (measured: the order search walked a new index and sorted a million
    /// orders, 4.8 s instead of milliseconds). Files without statistics are left without, as before.
    /// </summary>
    private static void AnalyzeNewIndexes(SqliteSession session)
    {
        if (session.Long("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'") == 0) return;
        var tables = session.List("""
            SELECT DISTINCT tbl_name FROM sqlite_master
             WHERE type = 'index' AND tbl_name IN (SELECT tbl FROM sqlite_stat1)
               AND name NOT IN (SELECT idx FROM sqlite_stat1 WHERE idx IS NOT NULL)
            """, r => r.GetString(0));
        foreach (var table in tables)
            PooledExecutor.RunImmediate(session, s => s.Execute($"ANALYZE \"{table.Replace("\"", "\"\"", StringComparison.Ordinal)}\""));
    }

    /// <summary>
    /// The payment archive table (its name is configuration that may change between starts, so it is ensured on every
    /// start rather than created by a versioned script).
    /// </summary>
    private static string ArchiveTableSql(TableName archive) => $"""
        CREATE TABLE IF NOT EXISTS {archive.Quoted} (
            signature TEXT NOT NULL PRIMARY KEY,
            tenant_id TEXT NOT NULL DEFAULT 'default',
            resource_id TEXT NOT NULL,
            wallet TEXT NOT NULL,
            amount INTEGER NOT NULL,
            amount_asset TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            metadata TEXT NOT NULL DEFAULT '{"{}"}',
            archived_at INTEGER
        );
        CREATE INDEX IF NOT EXISTS {archive.Index("idx_{table}_tenant_created")} ON {archive.Quoted} (tenant_id, created_at);
        """;

    /// <summary>
    /// Checksums recorded by earlier releases for scripts whose text has since changed without changing what they do:
    /// 0001 was re-spelled from the <c>{T:entity}</c> placeholders to the one template syntax (<c>[[entity]]</c>).
    /// </summary>
    private static readonly Dictionary<int, string> EarlierSpellings = new()
    {
        [1] = "0f68623e8e4774c9710d8068662215bb80190f81e09518719c8996db13afc181",
    };

    private static bool IsEarlierSpelling(MigrationScript script, string applied) =>
        EarlierSpellings.TryGetValue(script.Version, out var earlier) && string.Equals(applied, earlier, StringComparison.OrdinalIgnoreCase);
}
