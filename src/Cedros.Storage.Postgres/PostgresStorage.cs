using Cedros.Storage.Configuration;
using Cedros.Storage.Observability;
using Npgsql;

namespace Cedros.Storage.Postgres;

/// <summary>
/// The PostgreSQL backend: one <see cref="NpgsqlDataSource"/> (connection pool) per storage. Open one per process and
/// share it. Every session runs with <c>TimeZone=UTC</c>, so instants are stored and read as UTC in both the seed's
/// <c>TIMESTAMP</c> and <c>TIMESTAMPTZ</c> columns whatever the server's or the connection string's time zone.
/// </summary>
public sealed class PostgresStorage : ICedrosStorage, IDisposable, IStorageHealth, IObservedStorage
{
    private const string ConnectionKey = "storage.postgres.connection_string";
    private readonly PostgresContext _context;
    private readonly FrontDoor.StorageFrontDoor _door;

    private PostgresStorage(PostgresContext context)
    {
        _context = context;
        _door = new FrontDoor.StorageFrontDoor("postgresql", context.Options, context.Time);
        _door.ObserveWebhookQueue(ct =>
            new PostgresStore(_context, TenantIds.Default, new PostgresExecutor(_context, session: null)).ReadWebhookQueueStatsAsync(ct));
        Default = ForTenant(TenantIds.Default);
    }

    /// <summary>Opens a PostgreSQL storage. <c>storage.migrations</c>: <c>apply</c> (default) applies pending migrations and
    /// ensures the archive table; <c>verify</c> creates nothing and fails with <see cref="StorageSchemaVersionException"/>
    /// when the schema is behind or ahead of the library; <c>none</c> does neither. A database newer than the library
    /// is refused under <c>apply</c> and <c>verify</c>.</summary>
    public static async Task<PostgresStorage> OpenAsync(StorageOptions options, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        StorageOptionsValidator.ThrowIfInvalid(options);
        var tables = options.ResolveTables();
        var dataSource = BuildDataSource(options);
        var storage = new PostgresStorage(new PostgresContext(dataSource, options, tables, timeProvider ?? TimeProvider.System));
        try
        {
            switch (options.Migrations)
            {
                case MigrationPolicy.Apply:
                    await storage.MigrateAsync(cancellationToken).ConfigureAwait(false);
                    break;
                case MigrationPolicy.Verify:
                    await new PostgresMigrator(storage._context).VerifyAsync(cancellationToken).ConfigureAwait(false);
                    break;
            }
        }
        catch
        {
            await storage.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return storage;
    }

    /// <inheritdoc />
    public ITenantStorage Default { get; }

    /// <summary>What every store of this storage shares (tests read the search statistics through it).</summary>
    internal PostgresContext Context => _context;

    /// <inheritdoc />
    public ITenantStorage ForTenant(string tenantId) =>
        _door.Bind(new PostgresStore(_context, TenantIds.Require(tenantId), new PostgresExecutor(_context, session: null)));

    /// <inheritdoc />
    public Task MigrateAsync(CancellationToken cancellationToken = default) => new PostgresMigrator(_context).MigrateAsync(cancellationToken);

    StorageTelemetry IObservedStorage.Telemetry => _door.Telemetry;

    /// <inheritdoc />
    Task<SchemaVersion> IStorageHealth.GetSchemaVersionAsync(CancellationToken cancellationToken) =>
        new PostgresMigrator(_context).GetSchemaVersionAsync(cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _door.Dispose();
        return _context.DataSource.DisposeAsync();
    }

    /// <summary>Closes the pool's connections, blocking; for containers disposed synchronously
    /// (<c>ServiceProvider.Dispose()</c>). Prefer <see cref="DisposeAsync"/>.</summary>
    public void Dispose()
    {
        _door.Dispose();
        _context.DataSource.Dispose();
    }

    private static NpgsqlDataSource BuildDataSource(StorageOptions options) =>
        new NpgsqlDataSourceBuilder(BuildConnectionString(options).ConnectionString).Build();

    /// <summary>Seconds a multi-host data source trusts what it learnt about a host (primary, standby, down) unless the
    /// connection string says otherwise; Npgsql's own default is 10, which after a failover would keep refusing the
    /// promoted standby as "not a primary" for up to 10 s. Rechecking costs one short query per host and interval.</summary>
    internal const int MultiHostRecheckSeconds = 1;

    /// <summary>Statements kept prepared per connection: every distinct statement the library runs in steady state fits.</summary>
    private const int AutoPreparedStatements = 128;

    /// <summary>The driver settings of <paramref name="options"/>: the connection string (key=value or URL) plus pool
    /// size, command timeout, UTC sessions and, for a multi-host string, <c>Target Session Attributes=primary</c> and
    /// <see cref="MultiHostRecheckSeconds"/> unless the string sets them, and automatic preparation unless
    /// <c>storage.postgres.prepared_statements</c> is off.</summary>
    internal static NpgsqlConnectionStringBuilder BuildConnectionString(StorageOptions options)
    {
        var pg = options.Postgres;
        if (pg.MaxPoolSize < 1) throw new StorageConfigurationException("storage.postgres.max_pool_size", "must be at least 1.");
        if (pg.MinPoolSize < 0 || pg.MinPoolSize > pg.MaxPoolSize)
            throw new StorageConfigurationException("storage.postgres.min_pool_size", "must be between 0 and max_pool_size.");
        if (pg.CommandTimeout < TimeSpan.Zero) throw new StorageConfigurationException("storage.postgres.command_timeout", "must not be negative.");
        NpgsqlConnectionStringBuilder builder;
        System.Data.Common.DbConnectionStringBuilder given;
        try
        {
            var keyValue = PostgresConnectionString.ToKeyValue(pg.ConnectionString);
            given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = keyValue };
            builder = new NpgsqlConnectionStringBuilder(keyValue);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or KeyNotFoundException)
        {
            // The driver's message may quote the string (and so the password): never pass it on.
            throw new StorageConfigurationException(ConnectionKey, "the connection string could not be parsed.");
        }
        builder.MaxPoolSize = pg.MaxPoolSize;
        builder.MinPoolSize = pg.MinPoolSize;
        builder.CommandTimeout = (int)Math.Ceiling(pg.CommandTimeout.TotalSeconds);
        builder.Timezone = "UTC";
        // The storage leaves no session state behind (the time zone is a startup parameter, locks are transaction-
        // scoped), so a pooled connection needs no DISCARD ALL on reuse; that reset would also drop the cached plan of
        // the ledger's archive guard trigger and make every insert re-plan it (docs/benchmarks.md).
        builder.NoResetOnClose = true;
        // Statements are prepared once per physical connection after their second use (Npgsql automatic preparation):
        // the server parses and plans each statement once instead of per call, which roughly doubles single-row
        // throughput (docs/benchmarks.md). A connection string that sets Max Auto Prepare itself wins.
        if (!Has(given, "maxautoprepare"))
        {
            builder.MaxAutoPrepare = pg.PreparedStatements ? AutoPreparedStatements : 0;
            if (pg.PreparedStatements && !Has(given, "autoprepareminusages")) builder.AutoPrepareMinUsages = 2;
        }
        if (builder.Host?.Contains(',', StringComparison.Ordinal) == true)
        {
            // Several hosts (a failover pair): every call writes or must read its own writes, so only the primary
            // will do; "any" would send writes to a standby, which refuses them for good.
            if (!Has(given, "targetsessionattributes")) builder.TargetSessionAttributes = "primary";
            if (!Has(given, "hostrecheckseconds")) builder.HostRecheckSeconds = MultiHostRecheckSeconds;
        }
        return builder;
    }

    private static bool Has(System.Data.Common.DbConnectionStringBuilder given, string normalizedKey)
    {
        foreach (string key in given.Keys)
            if (string.Equals(key.Replace(" ", "", StringComparison.Ordinal), normalizedKey, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }
}
