using System.Diagnostics.Metrics;

namespace Cedros.Storage.Observability;

/// <summary>
/// The storage layer's metrics, on one meter named <c>Cedros.Storage</c>:
/// <list type="bullet">
/// <item><c>cedros.storage.housekeeping.rows</c> (counter, tag <c>kind</c>): rows archived or cleaned up —
/// <c>archived_payments</c>, <c>expired_nonces</c>, <c>expired_idempotency_keys</c>,
/// <c>expired_inventory_reservations</c>, <c>completed_webhooks</c>.</item>
/// <item><c>cedros.storage.housekeeping.failures</c> (counter, tag <c>pass</c> = <c>archival</c> | <c>cleanup</c>):
/// passes that threw.</item>
/// <item><c>cedros.storage.housekeeping.duration</c> (histogram, seconds, tag <c>pass</c>): time per pass.</item>
/// </list>
/// Created through <see cref="IMeterFactory"/> when one is registered (the generic host registers one), so the meter's
/// lifetime follows the container.
/// </summary>
internal sealed class StorageMetrics : IDisposable
{
    /// <summary>The meter name: <c>Cedros.Storage</c>.</summary>
    public const string MeterName = "Cedros.Storage";

    private readonly Meter _meter;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _rows;
    private readonly Counter<long> _failures;
    private readonly Histogram<double> _duration;

    /// <summary>Creates the instruments, on a meter from <paramref name="meterFactory"/> when given.</summary>
    public StorageMetrics(IMeterFactory? meterFactory = null)
    {
        if (meterFactory is null)
        {
            _meter = new Meter(MeterName);
            _ownsMeter = true;
        }
        else
        {
            _meter = meterFactory.Create(MeterName);
        }
        _rows = _meter.CreateCounter<long>("cedros.storage.housekeeping.rows", "{row}",
            "Rows archived or cleaned up by the maintenance services, by kind.");
        _failures = _meter.CreateCounter<long>("cedros.storage.housekeeping.failures", "{pass}",
            "Maintenance passes that failed, by pass.");
        _duration = _meter.CreateHistogram<double>("cedros.storage.housekeeping.duration", "s",
            "Duration of a maintenance pass, by pass.");
    }

    /// <summary>Records <paramref name="count"/> rows handled by housekeeping of <paramref name="kind"/>.</summary>
    public void RecordRows(string kind, long count)
    {
        if (count > 0)
            _rows.Add(count, new KeyValuePair<string, object?>("kind", kind));
    }

    /// <summary>Records a failed pass.</summary>
    public void RecordFailure(string pass) => _failures.Add(1, new KeyValuePair<string, object?>("pass", pass));

    /// <summary>Records the duration of a pass.</summary>
    public void RecordDuration(string pass, TimeSpan elapsed) =>
        _duration.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("pass", pass));

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsMeter)
            _meter.Dispose();
    }
}
