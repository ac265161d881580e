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
/// <item><c>cedros.storage.webhook.deliveries</c> (counter, tag <c>outcome</c> = <c>success</c> | <c>retry</c> | <c>dead</c> |
/// <c>lease_lost</c>): delivery attempts of the webhook dispatcher, by how their acknowledgement ended.</item>
/// <item><c>cedros.storage.webhook.delivery.duration</c> (histogram, seconds, tag <c>outcome</c> = <c>success</c> |
/// <c>failure</c>, and <c>http.response.status_code</c> when the receiver answered): time of one POST.</item>
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
    private readonly Counter<long> _deliveries;
    private readonly Histogram<double> _deliveryDuration;

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
        _deliveries = _meter.CreateCounter<long>("cedros.storage.webhook.deliveries", "{delivery}",
            "Webhook delivery attempts of the dispatcher, by outcome of their acknowledgement (success, retry, dead, lease_lost).");
        _deliveryDuration = _meter.CreateHistogram<double>("cedros.storage.webhook.delivery.duration", "s",
            "Duration of one webhook POST by the dispatcher, by outcome (success, failure) and HTTP status.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });
    }

    /// <summary>Webhook delivery outcomes (<c>outcome</c> tag values of <c>cedros.storage.webhook.deliveries</c>).</summary>
    public static class DeliveryOutcome
    {
        /// <summary>Delivered (2xx) and acknowledged as delivered.</summary>
        public const string Success = "success";
        /// <summary>Failed and acknowledged back to pending for another attempt.</summary>
        public const string Retry = "retry";
        /// <summary>Failed with its attempts used up: acknowledged as dead-lettered.</summary>
        public const string Dead = "dead";
        /// <summary>The acknowledgement was refused: another worker had taken the webhook over after its lease lapsed.</summary>
        public const string LeaseLost = "lease_lost";
    }

    /// <summary>Records <paramref name="count"/> delivery attempts acknowledged with <paramref name="outcome"/>.</summary>
    public void RecordDeliveries(string outcome, long count)
    {
        if (count > 0)
            _deliveries.Add(count, new KeyValuePair<string, object?>("outcome", outcome));
    }

    /// <summary>Records the duration of one POST; <paramref name="statusCode"/> when the receiver answered.</summary>
    public void RecordDeliveryDuration(TimeSpan elapsed, bool success, int? statusCode)
    {
        if (!_deliveryDuration.Enabled) return;
        var tags = new System.Diagnostics.TagList { { "outcome", success ? "success" : "failure" } };
        if (statusCode is { } status) tags.Add("http.response.status_code", status);
        _deliveryDuration.Record(elapsed.TotalSeconds, tags);
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
