using Cedros.Storage.Configuration;

namespace Cedros.Storage;

/// <summary>Opens one kind of backend; each backend assembly provides one (the in-memory one lives in the core).</summary>
public interface IStorageBackendFactory
{
    /// <summary>The backend this factory opens.</summary>
    StorageBackend Backend { get; }

    /// <summary>Opens and migrates a storage.</summary>
    Task<ICedrosStorage> OpenAsync(StorageOptions options, TimeProvider timeProvider, CancellationToken cancellationToken = default);
}
