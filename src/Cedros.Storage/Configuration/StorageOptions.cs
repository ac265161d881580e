using Cedros.Storage.Schema;

namespace Cedros.Storage.Configuration;

/// <summary>Which backend to open.</summary>
public enum StorageBackend
{
    /// <summary>One SQLite file (the default).</summary>
    Sqlite,
    /// <summary>PostgreSQL.</summary>
    Postgres,
    /// <summary>In memory (tests and development).</summary>
    Memory,
}

/// <summary>SQLite <c>PRAGMA synchronous</c> level.</summary>
public enum SqliteSynchronous
{
    /// <summary>fsync on every commit: an acknowledged write survives power loss. Default.</summary>
    Full,
    /// <summary>fsync at checkpoints only (WAL): survives a process crash, may lose the last commits on power loss.</summary>
    Normal,
}

/// <summary>What opening a storage does about the database schema (<c>storage.migrations</c>).</summary>
public enum MigrationPolicy
{
    /// <summary>Apply pending migrations (creating the SQLite file and the tables if needed). The default.</summary>
    Apply,
    /// <summary>Create and change nothing: opening fails with <see cref="StorageSchemaVersionException"/> when the
    /// schema is behind or ahead of the library (and, for SQLite, with a configuration error when the file is missing).</summary>
    Verify,
    /// <summary>Neither migrate nor check: the schema is managed outside the library.</summary>
    None,
}

/// <summary>Options of the storage layer, bound from the <c>storage</c> configuration section.</summary>
public sealed class StorageOptions
{
    /// <summary><c>storage.migrations</c>: <c>apply</c> (default, every backend), <c>verify</c> or <c>none</c>.</summary>
    public MigrationPolicy Migrations { get; set; } = MigrationPolicy.Apply;
    /// <summary><c>storage.backend</c>.</summary>
    public StorageBackend Backend { get; set; } = StorageBackend.Sqlite;
    /// <summary><c>storage.sqlite.*</c>.</summary>
    public SqliteOptions Sqlite { get; set; } = new();
    /// <summary><c>storage.postgres.*</c>.</summary>
    public PostgresOptions Postgres { get; set; } = new();
    /// <summary><c>storage.webhooks.*</c>.</summary>
    public WebhookOptions Webhooks { get; set; } = new();
    /// <summary><c>storage.schema_mapping.*</c>.</summary>
    public SchemaMapping SchemaMapping { get; set; } = new();
    /// <summary><c>storage.archival.*</c>.</summary>
    public ArchivalOptions Archival { get; set; } = new();
    /// <summary><c>storage.cleanup.*</c>.</summary>
    public CleanupOptions Cleanup { get; set; } = new();
    /// <summary><c>storage.caching.*</c>.</summary>
    public CachingOptions Caching { get; set; } = new();
    /// <summary><c>storage.housekeeping_batch_size</c>: rows per housekeeping transaction.</summary>
    public int HousekeepingBatchSize { get; set; } = 5000;

    /// <summary>Traces, metrics and logs (<c>storage.observability</c>).</summary>
    public ObservabilityOptions Observability { get; set; } = new();

    /// <summary>
    /// Where the storage writes its log events (slow calls, housekeeping passes). Not read from configuration: the
    /// dependency-injection registration sets it from the container; code that opens a storage directly may set it.
    /// Null: no logging.
    /// </summary>
    public Microsoft.Extensions.Logging.ILoggerFactory? LoggerFactory { get; set; }

    /// <summary>Validated table names (throws naming the bad key).</summary>
    internal ResolvedTables ResolveTables() => SchemaMapping.Resolve(Archival.ArchiveTable);
}

/// <summary><c>storage.sqlite.*</c>.</summary>
public sealed class SqliteOptions
{
    /// <summary><c>storage.sqlite.path</c>.</summary>
    public string Path { get; set; } = "cedros.db";
    /// <summary><c>storage.sqlite.synchronous</c>.</summary>
    public SqliteSynchronous Synchronous { get; set; } = SqliteSynchronous.Full;
    /// <summary><c>storage.sqlite.busy_timeout</c>: how long a writer waits for the file lock before Unavailable.</summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(10);
    /// <summary><c>storage.sqlite.mmap_size</c>: how many bytes of the file each connection reads through memory-mapped
    /// I/O instead of read calls (SQLite's <c>PRAGMA mmap_size</c>; SQLite caps it at about 2 GB); 0 turns it off.</summary>
    public long MmapSize { get; set; } = 2L << 30;
}

/// <summary><c>storage.postgres.*</c>.</summary>
public sealed class PostgresOptions
{
    /// <summary><c>storage.postgres.connection_string</c> (URL or key=value; env <c>POSTGRES_URL</c> /
    /// <c>CEDROS_STORAGE_POSTGRES_URL</c>).</summary>
    public string? ConnectionString { get; set; }
    /// <summary><c>storage.postgres.max_pool_size</c>.</summary>
    public int MaxPoolSize { get; set; } = 50;
    /// <summary><c>storage.postgres.min_pool_size</c>.</summary>
    public int MinPoolSize { get; set; }
    /// <summary><c>storage.postgres.command_timeout</c>.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary><c>storage.postgres.prepared_statements</c>: let the driver prepare the statements a connection runs
    /// repeatedly (Npgsql automatic preparation). Turn off behind PgBouncer before 1.21 in transaction mode.</summary>
    public bool PreparedStatements { get; set; } = true;
}

/// <summary><c>storage.webhooks.*</c>.</summary>
public sealed class WebhookOptions
{
    /// <summary><c>storage.webhooks.visibility_timeout</c>: lease of a claimed webhook.</summary>
    public TimeSpan VisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary><c>storage.archival.*</c> (env <c>CEDROS_STORAGE_ARCHIVAL_*</c>).</summary>
public sealed class ArchivalOptions
{
    /// <summary><c>storage.archival.enabled</c> / <c>CEDROS_STORAGE_ARCHIVAL_ENABLED</c>.</summary>
    public bool Enabled { get; set; }
    /// <summary><c>storage.archival.retention_period</c> / <c>CEDROS_STORAGE_ARCHIVAL_RETENTION_PERIOD</c> (2160h).</summary>
    public TimeSpan RetentionPeriod { get; set; } = TimeSpan.FromHours(2160);
    /// <summary><c>storage.archival.run_interval</c> / <c>CEDROS_STORAGE_ARCHIVAL_RUN_INTERVAL</c> (24h).</summary>
    public TimeSpan RunInterval { get; set; } = TimeSpan.FromHours(24);
    /// <summary><c>storage.archival.archive_table</c>: null = <c>&lt;payments table&gt;_archive</c>; empty = delete.</summary>
    public string? ArchiveTable { get; set; }
}

/// <summary><c>storage.cleanup.*</c>.</summary>
public sealed class CleanupOptions
{
    /// <summary><c>storage.cleanup.enabled</c>.</summary>
    public bool Enabled { get; set; } = true;
    /// <summary><c>storage.cleanup.interval</c>.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(15);
    /// <summary><c>storage.cleanup.completed_webhook_retention</c>.</summary>
    public TimeSpan CompletedWebhookRetention { get; set; } = TimeSpan.FromDays(7);
}

/// <summary>Observability settings (<c>storage.observability</c>).</summary>
public sealed class ObservabilityOptions
{
    /// <summary>
    /// <c>storage.observability.slow_call_threshold</c>: a storage call that takes longer is logged as a warning
    /// (event <c>SlowStorageCall</c>) with its operation, tenant and duration. <c>0</c> turns the log off. Default 1 s.
    /// </summary>
    public TimeSpan SlowCallThreshold { get; set; } = TimeSpan.FromSeconds(1);
}
