using Cedros.Storage.Configuration;

namespace Cedros.Storage.Tests.Backends;

/// <summary>
/// A backend under test. Hands out fresh, isolated, migrated storages. Whether separate OS processes can share one
/// store is declared by also implementing <see cref="IProcessFixture"/>: the cross-process test classes require it, so
/// a backend without it (memory) simply has no such tests, rather than a flag nothing reads.
/// </summary>
public interface IStorageFixture
{
    /// <summary>Backend name for messages.</summary>
    string Name { get; }

    /// <summary>Opens a fresh, empty, migrated storage using <paramref name="time"/> for every notion of now.</summary>
    Task<ICedrosStorage> CreateStorageAsync(TimeProvider time, Action<StorageOptions>? configure = null);
}
