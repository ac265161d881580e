using Cedros.Storage.Configuration;
using Cedros.Storage.Internal;
using Cedros.Storage.Observability;

namespace Cedros.Storage.FrontDoor;

/// <summary>What every tenant handle of one storage shares: its clock and its telemetry. A backend creates one when it
/// opens and hands out <see cref="TenantStore"/>s built on it.</summary>
internal sealed class StorageFrontDoor : IDisposable
{
    private readonly TimeProvider _time;

    public StorageFrontDoor(string system, StorageOptions options, TimeProvider time)
    {
        _time = time;
        Options = options;
        Telemetry = new StorageTelemetry(system, options);
    }

    public StorageOptions Options { get; }
    public StorageTelemetry Telemetry { get; }
    public DateTimeOffset Now => StorageTime.Now(_time);
    public TimeProvider Time => _time;

    /// <summary>Registers the webhook queue gauges, fed by <paramref name="read"/> (the backend's whole-queue read).</summary>
    public void ObserveWebhookQueue(Func<CancellationToken, Task<FrontDoor.Drivers.WebhookQueueStats>> read) =>
        _ = new WebhookQueueGauges(Telemetry.Meter, Telemetry.System, read, () => Now);

    /// <summary>The front door of <paramref name="driver"/>'s tenant.</summary>
    public ITenantStorage Bind(IStoreDriver driver) => new TenantStore(this, driver);

    public void Dispose() => Telemetry.Dispose();
}
