using Cedros.Storage.Configuration;
using Cedros.Storage.Observability;

namespace Cedros.Storage.Sqlite;

/// <summary>
/// The SQLite backend: one database file in WAL mode, safe for several processes on the same file. Every write is a
/// <c>BEGIN IMMEDIATE</c> transaction (the file's single writer lock), waits up to the configured busy timeout for that
/// lock, and then fails with <see cref="StorageUnavailableException"/>. Commits are durable per
/// <see cref="SqliteOptions.Synchronous"/> (FULL by default: an acknowledged write survives power loss).
/// </summary>
public sealed class SqliteStorage : ICedrosStorage, IDisposable, IStorageHealth, IObservedStorage
{
    private readonly SqliteEngine _engine;
    private readonly PooledExecutor _executor;
    private readonly FrontDoor.StorageFrontDoor _door;

    private SqliteStorage(SqliteEngine engine)
    {
        _engine = engine;
        _executor = new PooledExecutor(engine);
        _door = new FrontDoor.StorageFrontDoor("sqlite", engine.Options, engine.Time);
        _door.ObserveWebhookQueue(ct => new SqliteStore(_executor, TenantIds.Default).ReadWebhookQueueStatsAsync(ct));
        Default = ForTenant(TenantIds.Default);
    }

    /// <summary>
    /// Opens the database file named by <c>storage.sqlite.path</c>. With <c>storage.migrations = apply</c> (the default)
    /// the file is created if missing, switched to WAL mode and pending migrations are applied; with <c>verify</c> nothing
    /// is created or changed and a missing file (<see cref="StorageConfigurationException"/>) or a schema behind or ahead
    /// of the library (<see cref="StorageSchemaVersionException"/>) fails the open; with <c>none</c> the file must exist
    /// and is not checked. Fails with <see cref="StorageConfigurationException"/> for an invalid table mapping (SQLite
    /// has no schemas, so a <c>schema.table</c> name is refused).
    /// </summary>
    public static async Task<SqliteStorage> OpenAsync(StorageOptions options, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var engine = new SqliteEngine(options, timeProvider ?? TimeProvider.System);
        var storage = new SqliteStorage(engine);
        try
        {
            switch (options.Migrations)
            {
                case MigrationPolicy.Apply:
                    await storage.MigrateAsync(cancellationToken).ConfigureAwait(false);
                    break;
                case MigrationPolicy.Verify:
                    storage.Verify();
                    break;
            }
            return storage;
        }
        catch
        {
            await storage.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public ITenantStorage Default { get; }

    /// <inheritdoc />
    public ITenantStorage ForTenant(string tenantId) => _door.Bind(new SqliteStore(_executor, TenantIds.Require(tenantId)));

    /// <inheritdoc />
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await _engine.EnterWriterAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            try
            {
                _engine.EnableWal();
                SqliteMigrator.Migrate(_engine);
            }
            catch (Microsoft.Data.Sqlite.SqliteException ex)
            {
                throw SqliteErrors.TranslateOpen(ex, _engine.Options.Sqlite.Path);
            }
        }
        finally
        {
            _engine.WriteGate.Release();
        }
    }

    /// <summary>Checks the applied migrations against the library's without writing (<c>storage.migrations = verify</c>).</summary>
    private void Verify()
    {
        try
        {
            Schema.SchemaVerifier.Verify("SQLite", SqliteMigrator.Scripts, SqliteMigrator.AppliedVersions(_engine));
        }
        catch (Microsoft.Data.Sqlite.SqliteException ex)
        {
            throw SqliteErrors.TranslateOpen(ex, _engine.Options.Sqlite.Path);
        }
    }

    StorageTelemetry IObservedStorage.Telemetry => _door.Telemetry;

    /// <summary>Opens the file and reads the newest applied migration (a read; takes no writer lock).</summary>
    async Task<SchemaVersion> IStorageHealth.GetSchemaVersionAsync(CancellationToken cancellationToken)
    {
        await Task.Yield();
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            return new SchemaVersion(SqliteMigrator.AppliedVersion(_engine), SqliteMigrator.KnownVersion);
        }
        catch (Microsoft.Data.Sqlite.SqliteException ex)
        {
            throw SqliteErrors.TranslateOpen(ex, _engine.Options.Sqlite.Path);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Same as <see cref="DisposeAsync"/> (nothing to wait for), for containers disposed synchronously
    /// (<c>ServiceProvider.Dispose()</c>).</summary>
    public void Dispose()
    {
        _engine.Dispose();
        _door.Dispose();
    }
}
