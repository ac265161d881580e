using Cedros.Storage.Configuration;

namespace Cedros.Storage.Tests.Backends;

/// <summary>
/// A backend under test. Hands out fresh, isolated, migrated storages and declares what the backend can do, so that
/// any skipped test shows why.
/// </summary>
public interface IStorageFixture
{
    /// <summary>Backend name for messages.</summary>
    string Name { get; }

    /// <summary>True when separate OS processes can share one store (false for memory).</summary>
    bool CrossProcess { get; }

    /// <summary>Opens a fresh, empty, migrated storage using <paramref name="time"/> for every notion of now.</summary>
    Task<ICedrosStorage> CreateStorageAsync(TimeProvider time, Action<StorageOptions>? configure = null);
}
