using Cedros.Storage.Configuration;

namespace Cedros.Storage.Postgres;

/// <summary>The Postgres backend.</summary>
public sealed class PostgresStorage : ICedrosStorage
{
    private PostgresStorage()
    {
    }

    /// <summary>Opens (and migrates) a Postgres storage.</summary>
    public static Task<PostgresStorage> OpenAsync(StorageOptions options, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default) =>
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
