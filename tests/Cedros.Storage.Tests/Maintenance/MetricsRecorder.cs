using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Cedros.Storage.Tests.Maintenance;

/// <summary>Collects the measurements of meters created by one <see cref="IMeterFactory"/>.</summary>
public sealed class MetricsRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, KeyValuePair<string, object?>[] Tags)> _measurements = new();

    public MetricsRecorder(IMeterFactory factory)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, factory))
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => _measurements.Enqueue((i.Name, v, tags.ToArray())));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => _measurements.Enqueue((i.Name, v, tags.ToArray())));
        _listener.Start();
    }

    /// <summary>Sum of an instrument's measurements whose tag <paramref name="tag"/> equals <paramref name="value"/>.</summary>
    public double Sum(string instrument, string tag, string value) =>
        _measurements
            .Where(m => m.Instrument == instrument && m.Tags.Any(t => t.Key == tag && Equals(t.Value, value)))
            .Sum(m => m.Value);

    /// <summary>Every measurement of an instrument, with its tags.</summary>
    public IReadOnlyList<(double Value, IReadOnlyDictionary<string, object?> Tags)> Of(string instrument) =>
        [.. _measurements.Where(m => m.Instrument == instrument)
            .Select(m => (m.Value, (IReadOnlyDictionary<string, object?>)m.Tags.ToDictionary(t => t.Key, t => t.Value)))];

    /// <summary>Number of measurements of an instrument.</summary>
    public int Count(string instrument) => _measurements.Count(m => m.Instrument == instrument);

    public void Dispose() => _listener.Dispose();
}
