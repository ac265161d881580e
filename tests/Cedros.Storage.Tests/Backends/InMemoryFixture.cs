using Cedros.Storage.Configuration;
using Cedros.Storage.InMemory;

namespace Cedros.Storage.Tests.Backends;

/// <summary>The in-memory backend: a new instance per storage.</summary>
public sealed class InMemoryFixture : IStorageFixture
{
    public string Name => "memory";

    public Task<ICedrosStorage> CreateStorageAsync(TimeProvider time, Action<StorageOptions>? configure = null)
    {
        var options = new StorageOptions { Backend = StorageBackend.Memory };
        configure?.Invoke(options);
        return Task.FromResult<ICedrosStorage>(new InMemoryStorage(options, time));
    }
}
