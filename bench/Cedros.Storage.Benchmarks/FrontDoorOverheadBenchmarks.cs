using System.Diagnostics;
using System.Diagnostics.Metrics;
using BenchmarkDotNet.Attributes;
using Cedros.Storage.FrontDoor;
using Cedros.Storage.Validation;

namespace Cedros.Storage.Benchmarks;

/// <summary>
/// What the front door costs on the single-payment path (issue 14: tracing and metrics under 3% with no listener).
/// Baseline: the driver's insert called directly with the same prepared payment, so the difference is only the front
/// door's call wrapper, its telemetry and the replay check. <see cref="Listening"/> attaches an ActivityListener that
/// records every span and a MeterListener on every <c>Cedros.Storage</c> instrument, to show what a collector costs.
/// </summary>
public class FrontDoorOverheadBenchmarks
{
    private ICedrosStorage _storage = null!;
    private TenantStore _store = null!;
    private ActivityListener? _activities;
    private MeterListener? _meters;
    private long _next;

    [Params("Memory", "SqliteNormal", "Postgres")]
    public string Backend { get; set; } = "Memory";

    [Params(false, true)]
    public bool Listening { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _storage = Backend switch
        {
            "Memory" => new InMemory.InMemoryStorage(),
            "Postgres" => await BenchEnv.OpenStorageAsync(BackendKind.Postgres, "overhead"),
            _ => await BenchEnv.OpenStorageAsync(BackendKind.SqliteNormal, "overhead"),
        };
        _store = (TenantStore)_storage.ForTenant(BenchEnv.Tenant);
        if (!Listening) return;
        _activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Cedros.Storage",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(_activities);
        _meters = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "Cedros.Storage") listener.EnableMeasurementEvents(instrument);
            },
        };
        _meters.SetMeasurementEventCallback<double>((_, _, _, _) => { });
        _meters.SetMeasurementEventCallback<long>((_, _, _, _) => { });
        _meters.Start();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _activities?.Dispose();
        _meters?.Dispose();
        await _storage.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "driver insert (prepared payment, no front door)")]
    public Task<bool> DriverDirect() =>
        _store.Driver.InsertPaymentAsync(Prepare.Payment(_store.TenantId, NextPayment(), _store.Now), CancellationToken.None);

    [Benchmark(Description = "RecordPaymentAsync (front door)")]
    public Task RecordPayment() => _store.RecordPaymentAsync(NextPayment());

    private PaymentTransaction NextPayment() => Samples.Payment($"overhead-{Listening}-{Interlocked.Increment(ref _next)}-{Guid.NewGuid():N}");
}
