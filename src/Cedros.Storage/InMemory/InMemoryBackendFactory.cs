using Cedros.Storage.Configuration;

namespace Cedros.Storage.InMemory;

/// <summary>Opens an <see cref="InMemoryStorage"/> for <c>storage.backend = memory</c>; registered by <c>AddCedrosStorage</c>.</summary>
public sealed class InMemoryBackendFactory : IStorageBackendFactory
{
    /// <inheritdoc />
    public StorageBackend Backend => StorageBackend.Memory;

    /// <inheritdoc />
    public Task<ICedrosStorage> OpenAsync(StorageOptions options, TimeProvider timeProvider, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult<ICedrosStorage>(new InMemoryStorage(options, timeProvider));
    }
}
