namespace Cedros.Storage.Configuration;

/// <summary>
/// The environment variables the storage layer reads, exactly as the seed names them. A configuration key, when set,
/// wins over its environment variable; the variable fills in what configuration leaves unset.
/// </summary>
internal static class StorageEnvironment
{
    /// <summary><c>CEDROS_STORAGE_ARCHIVAL_ENABLED</c> (default false) → <c>storage.archival.enabled</c>.</summary>
    public const string ArchivalEnabled = "CEDROS_STORAGE_ARCHIVAL_ENABLED";

    /// <summary><c>CEDROS_STORAGE_ARCHIVAL_RETENTION_PERIOD</c> (default 2160h) → <c>storage.archival.retention_period</c>.</summary>
    public const string ArchivalRetentionPeriod = "CEDROS_STORAGE_ARCHIVAL_RETENTION_PERIOD";

    /// <summary><c>CEDROS_STORAGE_ARCHIVAL_RUN_INTERVAL</c> (default 24h) → <c>storage.archival.run_interval</c>.</summary>
    public const string ArchivalRunInterval = "CEDROS_STORAGE_ARCHIVAL_RUN_INTERVAL";

    /// <summary><c>CEDROS_STORAGE_POSTGRES_URL</c> → <c>storage.postgres.connection_string</c> (wins over <see cref="PostgresUrl"/>).</summary>
    public const string CedrosPostgresUrl = "CEDROS_STORAGE_POSTGRES_URL";

    /// <summary><c>POSTGRES_URL</c> → <c>storage.postgres.connection_string</c> (last fallback).</summary>
    public const string PostgresUrl = "POSTGRES_URL";

    /// <summary>Reads the process environment.</summary>
    public static string? Process(string name) => Environment.GetEnvironmentVariable(name);
}
