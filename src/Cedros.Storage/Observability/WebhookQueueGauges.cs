using System.Diagnostics;
using System.Diagnostics.Metrics;
using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Internal;

namespace Cedros.Storage.Observability;

/// <summary>
/// The webhook queue's observable gauges on a storage's meter: <c>cedros.storage.webhook.queue_depth</c> (webhooks of
/// every tenant, tag <c>status</c>) and <c>cedros.storage.webhook.oldest_pending_age</c> (seconds since the oldest
/// pending webhook was created; 0 when none is pending). A collection reads the queue through the backend at most once
/// per <see cref="CacheFor"/>; a read that fails or takes longer than <see cref="ReadTimeout"/> reports the last values
/// read (or nothing), and never throws into the metrics pipeline.
/// </summary>
internal sealed class WebhookQueueGauges
{
    /// <summary>How long one read of the queue serves collections.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);

    /// <summary>How long a collection waits for a read of the queue.</summary>
    public static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(5);

    private readonly Func<CancellationToken, Task<WebhookQueueStats>> _read;
    private readonly Func<DateTimeOffset> _now;
    private readonly KeyValuePair<string, object?> _system;
    private readonly Lock _gate = new();
    private WebhookQueueStats? _last;
    private long _readAt;
    private Task<WebhookQueueStats>? _reading;

    public WebhookQueueGauges(Meter meter, string system, Func<CancellationToken, Task<WebhookQueueStats>> read, Func<DateTimeOffset> now)
    {
        _read = read;
        _now = now;
        _system = new("db.system.name", system);
        meter.CreateObservableGauge("cedros.storage.webhook.queue_depth", Depth, "{webhook}",
            "Webhooks in the queue (every tenant), by status.");
        meter.CreateObservableGauge("cedros.storage.webhook.oldest_pending_age", OldestPendingAge, "s",
            "Seconds since the oldest pending webhook (every tenant) was enqueued; 0 when none is pending.");
    }

    private IEnumerable<Measurement<long>> Depth()
    {
        if (Current() is not { } stats) return [];
        return stats.Depth.Select(p => new Measurement<long>(p.Value, _system,
            new KeyValuePair<string, object?>("status", EnumText<WebhookStatus>.ToText(p.Key)))).ToArray();
    }

    private IEnumerable<Measurement<double>> OldestPendingAge()
    {
        if (Current() is not { } stats) return [];
        var age = stats.OldestPendingCreatedAt is { } created ? Math.Max(0, (_now() - created).TotalSeconds) : 0;
        return [new Measurement<double>(age, _system)];
    }

    /// <summary>The queue as last read, refreshed when older than <see cref="CacheFor"/>; null when never read.</summary>
    private WebhookQueueStats? Current()
    {
        try
        {
            Task<WebhookQueueStats> reading;
            lock (_gate)
            {
                if (_last is not null && Stopwatch.GetElapsedTime(_readAt) < CacheFor) return _last;
                // One read at a time: concurrent collections wait for the same one.
                _reading ??= Task.Run(() => _read(CancellationToken.None));
                reading = _reading;
            }
            if (!reading.Wait(ReadTimeout)) return _last;
            lock (_gate)
            {
                if (ReferenceEquals(_reading, reading))
                {
                    _reading = null;
                    _last = reading.Result;
                    _readAt = Stopwatch.GetTimestamp();
                }
                return _last;
            }
        }
        catch (Exception)
        {
            // A failed read (database down, storage disposed) must not break the collection of other instruments.
            lock (_gate)
            {
                if (_reading is { IsCompleted: true }) _reading = null;
                return _last;
            }
        }
    }
}
