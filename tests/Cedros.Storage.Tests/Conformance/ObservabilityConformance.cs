using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Cedros.Storage.Observability;
using Cedros.Storage.Tests.Backends;
using Cedros.Storage.Tests.Observability;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Cedros.Storage.Tests.Conformance;

/// <summary>
/// The front door's spans, measurements, slow-call log and health answer, identical on every backend
/// (docs/observability.md). Spans come from one static <see cref="ActivitySource"/>, so each test filters them by a
/// tenant id of its own; each storage has its own <see cref="Meter"/>, so measurements are filtered by that meter.
/// Timings are never asserted.
/// </summary>
public abstract class ObservabilityConformance<TFixture>(TFixture fixture) : ConformanceTest<TFixture>(fixture)
    where TFixture : class, IStorageFixture
{
    // Every PostgreSQL fixture ("postgres", "postgres (through pgbouncer, …)") reports the system "postgresql".
    private string System => Fixture.Name.StartsWith("postgres", StringComparison.Ordinal) ? "postgresql" : Fixture.Name;

    /// <summary>A span name or collection tag without the schema a fixture may map tables into ("Op schema.table" →
    /// "Op table"): the PgBouncer fixture isolates storages by schema-qualified table names.</summary>
    private static string? Bare(object? value) =>
        value is string s ? global::System.Text.RegularExpressions.Regex.Replace(s, @"(?<=^|\s)[A-Za-z_][A-Za-z0-9_]*\.", "") : null;

    private static string NewTenant() => "obs-" + Guid.NewGuid().ToString("N")[..16];

    [Fact]
    public async Task Every_call_is_one_span_named_after_the_operation_with_database_tags()
    {
        await using var s = await OpenAsync();
        var tenant = NewTenant();
        using var spans = new SpanRecorder(tenant);
        var store = s.Storage.ForTenant(tenant);
        var payment = Make.Payment(s.Now);

        await store.RecordPaymentAsync(payment);
        Assert.True(await store.HasPaymentBeenProcessedAsync(payment.Signature));

        var recorded = spans.Stopped;
        Assert.Equal(2, recorded.Count);
        var record = recorded[0];
        Assert.Equal("RecordPayment payment_transactions", Bare(record.DisplayName));
        Assert.Equal(ActivityKind.Client, record.Kind);
        Assert.Equal(StorageTelemetry.SourceName, record.Source.Name);
        Assert.Equal(System, record.GetTagItem("db.system.name"));
        Assert.Equal("RecordPayment", record.GetTagItem("db.operation.name"));
        Assert.Equal("payment_transactions", Bare(record.GetTagItem("db.collection.name")));
        Assert.Equal(tenant, record.GetTagItem("cedros.tenant"));
        Assert.NotEqual(ActivityStatusCode.Error, record.Status);
        Assert.Null(record.GetTagItem("error.type"));
        Assert.Equal("HasPaymentBeenProcessed", recorded[1].GetTagItem("db.operation.name"));
    }

    [Fact]
    public async Task A_failed_call_has_error_status_and_error_type()
    {
        await using var s = await OpenAsync();
        var tenant = NewTenant();
        using var spans = new SpanRecorder(tenant);

        await Assert.ThrowsAsync<NonceException>(() => s.Storage.ForTenant(tenant).ConsumeNonceAsync("missing-nonce"));

        var span = Assert.Single(spans.Stopped);
        Assert.Equal("ConsumeNonce admin_nonces", Bare(span.DisplayName));
        Assert.Equal(ActivityStatusCode.Error, span.Status);
        Assert.Equal("not_found", span.GetTagItem("error.type"));
        Assert.Equal("ConsumeNonce", span.GetTagItem("db.operation.name"));
        Assert.Equal(tenant, span.GetTagItem("cedros.tenant"));
    }

    [Fact]
    public async Task Durations_errors_replays_and_nonce_refusals_are_measured_on_the_storage_meter()
    {
        await using var s = await OpenAsync();
        using var metrics = new MeasurementRecorder(((IObservedStorage)s.Storage).Telemetry.Meter);
        var payment = Make.Payment(s.Now);

        await s.A.RecordPaymentAsync(payment);
        Assert.False(await s.A.TryRecordPaymentAsync(payment));
        await Assert.ThrowsAsync<PaymentReplayException>(() => s.A.RecordPaymentAsync(payment));
        await Assert.ThrowsAsync<NonceException>(() => s.A.ConsumeNonceAsync("missing-nonce"));
        var nonce = Make.Nonce(s.Now);
        await s.A.CreateNonceAsync(nonce);
        await s.A.ConsumeNonceAsync(nonce.Id);
        await Assert.ThrowsAsync<NonceException>(() => s.A.ConsumeNonceAsync(nonce.Id));

        var durations = metrics.Of("cedros.storage.operation.duration");
        Assert.Equal(7, durations.Count);
        Assert.All(durations, m => Assert.Equal(System, m.Tags["db.system.name"]));
        Assert.Equal(["RecordPayment", "TryRecordPayment", "RecordPayment", "ConsumeNonce", "CreateNonce", "ConsumeNonce", "ConsumeNonce"],
            durations.Select(m => (string)m.Tags["db.operation.name"]!));
        Assert.Equal(["ok", "ok", "error", "error", "ok", "ok", "error"], durations.Select(m => (string)m.Tags["cedros.storage.outcome"]!));
        Assert.Equal("conflict", durations[2].Tags["error.type"]);
        Assert.All(durations, m => Assert.True(m.Value >= 0));

        var errors = metrics.Of("cedros.storage.errors");
        Assert.Equal(["RecordPayment/conflict", "ConsumeNonce/not_found", "ConsumeNonce/conflict"],
            errors.Select(m => $"{m.Tags["db.operation.name"]}/{m.Tags["error.type"]}"));
        Assert.All(errors, m => Assert.Equal(1, m.Value));

        var replays = metrics.Of("cedros.storage.payment.replays");
        Assert.Equal(2, replays.Sum(m => m.Value));
        Assert.All(replays, m => Assert.Equal(System, m.Tags["db.system.name"]));

        var nonces = metrics.Of("cedros.storage.nonce.refusals");
        Assert.Equal(["not_found", "already_consumed"], nonces.Select(m => (string)m.Tags["reason"]!));
    }

    [Fact]
    public async Task A_call_slower_than_the_threshold_is_logged_as_a_warning()
    {
        using var provider = new CapturingLoggerProvider();
        using var loggerFactory = new LoggerFactory([provider]);
        await using var s = await OpenAsync(o =>
        {
            o.LoggerFactory = loggerFactory;
            o.Observability.SlowCallThreshold = TimeSpan.FromTicks(1);
        });
        var tenant = NewTenant();

        await s.Storage.ForTenant(tenant).RecordPaymentAsync(Make.Payment(s.Now));

        var slow = Assert.Single(provider.Entries, e => e.Message.Contains(tenant, StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, slow.Level);
        Assert.Equal("SlowStorageCall", slow.EventId.Name);
        Assert.Equal(StorageTelemetry.SourceName, slow.Category);
        Assert.StartsWith("Slow storage call RecordPayment for tenant " + tenant, slow.Message, StringComparison.Ordinal);
        Assert.EndsWith("(ok)", slow.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_slow_call_log_when_the_threshold_is_zero()
    {
        using var provider = new CapturingLoggerProvider();
        using var loggerFactory = new LoggerFactory([provider]);
        await using var s = await OpenAsync(o =>
        {
            o.LoggerFactory = loggerFactory;
            o.Observability.SlowCallThreshold = TimeSpan.Zero;
        });

        await s.A.RecordPaymentAsync(Make.Payment(s.Now));

        Assert.DoesNotContain(provider.Entries, e => e.EventId.Name == "SlowStorageCall");
    }

    [Fact]
    public async Task The_health_check_is_healthy_when_the_database_answers_at_the_library_schema_version()
    {
        await using var s = await OpenAsync();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(s.Storage);
        services.AddHealthChecks().AddCedrosStorage();
        await using var provider = services.BuildServiceProvider();

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        var entry = Assert.Single(report.Entries);
        Assert.Equal("cedros_storage", entry.Key);
        Assert.Equal(HealthStatus.Healthy, entry.Value.Status);
        Assert.Equal(entry.Value.Data["library_schema_version"], entry.Value.Data["schema_version"]);
    }

    /// <summary>Spans of one tenant, from the global source.</summary>
    private sealed class SpanRecorder : IDisposable
    {
        private readonly ActivityListener _listener;
        private readonly ConcurrentQueue<Activity> _stopped = new();

        public SpanRecorder(string tenant)
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == StorageTelemetry.SourceName,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                ActivityStopped = a =>
                {
                    if (Equals(a.GetTagItem("cedros.tenant"), tenant)) _stopped.Enqueue(a);
                },
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public List<Activity> Stopped => [.. _stopped];

        public void Dispose() => _listener.Dispose();
    }
}

public sealed record Measurement(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags);

/// <summary>Measurements of one meter's instruments.</summary>
public sealed class MeasurementRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<Measurement> _measurements = new();

    public MeasurementRecorder(Meter meter)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter)) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Add(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Add(i, v, tags));
        _listener.Start();
    }

    public List<Measurement> Of(string instrument) => [.. _measurements.Where(m => m.Instrument == instrument)];

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags) map[tag.Key] = tag.Value;
        _measurements.Enqueue(new Measurement(instrument.Name, value, map));
    }

    public void Dispose() => _listener.Dispose();
}
