using Cedros.Storage.Configuration;

namespace Cedros.Storage.Sqlite;

/// <summary>The Sqlite backend.</summary>
public sealed class SqliteStorage : ICedrosStorage
{
    private SqliteStorage()
    {
    }

    /// <summary>Opens (and migrates) a Sqlite storage.</summary>
    public static Task<SqliteStorage> OpenAsync(StorageOptions options, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <inheritdoc />
    public ITenantStorage Default => throw new NotImplementedException();

    /// <inheritdoc />
    public ITenantStorage ForTenant(string tenantId) => throw new NotImplementedException();

    /// <inheritdoc />
    public Task MigrateAsync(CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
