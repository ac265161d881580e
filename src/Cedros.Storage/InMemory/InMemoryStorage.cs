using Cedros.Storage.Configuration;

namespace Cedros.Storage.InMemory;

/// <summary>
/// The in-memory backend: every contract guarantee, for tests and development. One lock serialises all writes; a
/// transaction holds it for its whole callback and rolls back to a snapshot if the callback throws.
/// </summary>
public sealed class InMemoryStorage : ICedrosStorage
{
    private readonly InMemoryEngine _engine;

    /// <summary>Creates an empty in-memory storage.</summary>
    public InMemoryStorage(StorageOptions? options = null, TimeProvider? timeProvider = null)
    {
        options ??= new StorageOptions();
        StorageOptionsValidator.ThrowIfInvalid(options);
        _engine = new InMemoryEngine(options, timeProvider ?? TimeProvider.System);
        Default = ForTenant(TenantIds.Default);
    }

    /// <inheritdoc />
    public ITenantStorage Default { get; }

    /// <inheritdoc />
    public ITenantStorage ForTenant(string tenantId) => new InMemoryStore(_engine, TenantIds.Require(tenantId));

    /// <inheritdoc />
    public Task MigrateAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _engine.Dispose();
        return ValueTask.CompletedTask;
    }
}
