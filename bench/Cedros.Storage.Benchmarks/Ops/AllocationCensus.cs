using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Globalization;
using System.Text;

namespace Cedros.Storage.Benchmarks.Ops;

/// <summary>
/// Which types a side allocates, per call, from the runtime's allocation samples (<c>GCAllocationTick</c>, one sample
/// per ~100 KB allocated, naming the type that crossed the mark): <c>ops --census</c> prints the largest after a case's
/// rounds. Sampled, so small types appear in proportion to their bytes, not their count.
/// </summary>
internal sealed class AllocationCensus : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly ConcurrentDictionary<string, long> _bytes = new(StringComparer.Ordinal);
    private volatile bool _on;

    protected override void OnEventSourceCreated(EventSource source)
    {
        if (source.Name == "Microsoft-Windows-DotNETRuntime") EnableEvents(source, EventLevel.Verbose, GcKeyword);
    }

    protected override void OnEventWritten(EventWrittenEventArgs e)
    {
        if (!_on || e.EventName is null || !e.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || e.Payload is null) return;
        var type = e.PayloadNames!.IndexOf("TypeName") is var t and >= 0 ? e.Payload[t] as string ?? "?" : "?";
        var amount = e.PayloadNames.IndexOf("AllocationAmount64") is var a and >= 0 ? Convert.ToInt64(e.Payload[a], CultureInfo.InvariantCulture) : 100_000;
        _bytes.AddOrUpdate(type, amount, (_, b) => b + amount);
    }

    public async Task<string> MeasureAsync(string label, Func<Task<long>> block)
    {
        _bytes.Clear();
        _on = true;
        var calls = await block();
        _on = false;
        var text = new StringBuilder().AppendLine(CultureInfo.InvariantCulture, $"  census {label}: {calls:N0} calls");
        foreach (var (type, bytes) in _bytes.OrderByDescending(p => p.Value).Take(25))
            text.AppendLine(CultureInfo.InvariantCulture, $"    {(double)bytes / Math.Max(1, calls),8:F0} B  {type}");
        return text.ToString();
    }
}
