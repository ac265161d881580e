using Cedros.Storage.Configuration;

namespace Cedros.Storage.Sqlite;

/// <summary>Opens <see cref="SqliteStorage"/> for <c>storage.backend = sqlite</c>.</summary>
public sealed class SqliteBackendFactory : IStorageBackendFactory
{
    /// <inheritdoc />
    public StorageBackend Backend => StorageBackend.Sqlite;

    /// <inheritdoc />
    public async Task<ICedrosStorage> OpenAsync(StorageOptions options, TimeProvider timeProvider, CancellationToken cancellationToken = default) =>
        await SqliteStorage.OpenAsync(options, timeProvider, cancellationToken).ConfigureAwait(false);
}
