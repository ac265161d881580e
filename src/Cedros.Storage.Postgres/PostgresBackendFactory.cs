using Cedros.Storage.Configuration;

namespace Cedros.Storage.Postgres;

/// <summary>Opens <see cref="PostgresStorage"/> for <c>storage.backend = postgres</c>.</summary>
public sealed class PostgresBackendFactory : IStorageBackendFactory
{
    /// <inheritdoc />
    public StorageBackend Backend => StorageBackend.Postgres;

    /// <inheritdoc />
    public async Task<ICedrosStorage> OpenAsync(StorageOptions options, TimeProvider timeProvider, CancellationToken cancellationToken = default) =>
        await PostgresStorage.OpenAsync(options, timeProvider, cancellationToken).ConfigureAwait(false);
}
