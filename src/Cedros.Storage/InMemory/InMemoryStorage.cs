using Cedros.Storage.Configuration;
using Cedros.Storage.Observability;

namespace Cedros.Storage.InMemory;

/// <summary>
/// The in-memory backend: every contract guarantee, for tests and development. One lock serialises all writes; a
/// transaction holds it for its whole callback and rolls back to a snapshot if the callback throws.
/// </summary>
public sealed class InMemoryStorage : ICedrosStorage, IDisposable, IStorageHealth, IObservedStorage
{
    private readonly InMemoryEngine _engine;
    private readonly FrontDoor.StorageFrontDoor _door;

    /// <summary>Creates an empty in-memory storage. Options are checked as <c>OpenAsync</c> and DI check them
    /// (<see cref="StorageOptionsValidator"/>): invalid ones → <see cref="StorageConfigurationException"/> naming the key.</summary>
    public InMemoryStorage(StorageOptions? options = null, TimeProvider? timeProvider = null)
    {
        options ??= new StorageOptions();
        StorageOptionsValidator.ThrowIfInvalid(options);
        _engine = new InMemoryEngine(options);
        _door = new FrontDoor.StorageFrontDoor("memory", options, timeProvider ?? TimeProvider.System);
        _door.ObserveWebhookQueue(ct => new InMemoryStore(_engine, TenantIds.Default).ReadWebhookQueueStatsAsync(ct));
        Default = ForTenant(TenantIds.Default);
    }

    /// <inheritdoc />
    public ITenantStorage Default { get; }

    /// <inheritdoc />
    public ITenantStorage ForTenant(string tenantId) => _door.Bind(new InMemoryStore(_engine, TenantIds.Require(tenantId)));

    /// <inheritdoc />
    public Task MigrateAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    StorageTelemetry IObservedStorage.Telemetry => _door.Telemetry;

    /// <summary>Memory has no schema: always current.</summary>
    Task<SchemaVersion> IStorageHealth.GetSchemaVersionAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(new SchemaVersion(0, 0));
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Same as <see cref="DisposeAsync"/>, for containers disposed synchronously
    /// (<c>ServiceProvider.Dispose()</c>).</summary>
    public void Dispose()
    {
        _engine.Dispose();
        _door.Dispose();
    }
}
