using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Cedros.Storage.FrontDoor;
using Cedros.Storage.Tests.Backends;

namespace Cedros.Storage.Tests.Conformance;

/// <summary>
/// Issue 14: the webhook queue's metrics, identical on every backend: claims and lease takeovers counted by the front
/// door, and the queue depth / oldest pending age gauges read through the backend.
/// </summary>
public abstract class WebhookObservabilityConformance<TFixture>(TFixture fixture) : ConformanceTest<TFixture>(fixture)
    where TFixture : class, IStorageFixture
{
    private static readonly TimeSpan PastLease = TimeSpan.FromMinutes(6);

    [Fact]
    public async Task Claims_count_every_claimed_webhook_and_takeovers_the_lapsed_leases()
    {
        await using var s = await OpenAsync();
        using var metrics = new StorageMeasurements(s);
        foreach (var _ in Enumerable.Range(0, 3)) await s.A.EnqueueWebhookAsync(Make.Webhook());
        var pendingInB = await s.B.EnqueueWebhookAsync(Make.Webhook());

        Assert.Equal(4, (await s.A.DequeueWebhooksAsync(10)).Count);
        Assert.Equal(4, metrics.Sum("cedros.storage.webhook.claims"));
        Assert.Equal(0, metrics.Sum("cedros.storage.webhook.lease_takeovers"));

        // Every lease lapses; a second dequeue takes the four over.
        s.Time.Advance(PastLease);
        Assert.Equal(4, (await s.A.DequeueWebhooksAsync(10)).Count);
        Assert.Equal(8, metrics.Sum("cedros.storage.webhook.claims"));
        Assert.Equal(4, metrics.Sum("cedros.storage.webhook.lease_takeovers"));

        // A processing mark extends the lease of the same claim: a claim, not a takeover.
        await s.A.MarkWebhookProcessingAsync(pendingInB);
        Assert.Equal(9, metrics.Sum("cedros.storage.webhook.claims"));
        Assert.Equal(4, metrics.Sum("cedros.storage.webhook.lease_takeovers"));
        // Nothing due: nothing counted.
        Assert.Empty(await s.A.DequeueWebhooksAsync(10));
        Assert.Equal(9, metrics.Sum("cedros.storage.webhook.claims"));
    }

    [Fact]
    public async Task A_mark_with_a_lost_claim_counts_a_takeover()
    {
        await using var s = await OpenAsync();
        using var metrics = new StorageMeasurements(s);
        var id = await s.A.EnqueueWebhookAsync(Make.Webhook());
        var first = Assert.Single(await s.A.DequeueWebhooksAsync(10));
        s.Time.Advance(PastLease);
        var second = Assert.Single(await s.A.DequeueWebhooksAsync(10));
        Assert.Equal(1, metrics.Sum("cedros.storage.webhook.lease_takeovers"));

        var lost = await Assert.ThrowsAsync<StorageConflictException>(() => s.A.MarkWebhookSuccessAsync(id, first.ClaimToken!));
        Assert.Equal(StorageErrorKind.Conflict, lost.Kind);
        await Assert.ThrowsAsync<StorageConflictException>(
            () => s.A.MarkWebhookFailedAsync(id, "boom", s.Now.AddMinutes(1), first.ClaimToken!));
        Assert.Equal(3, metrics.Sum("cedros.storage.webhook.lease_takeovers"));

        await s.A.MarkWebhookSuccessAsync(id, second.ClaimToken!);
        // Without a claim token a refused mark says nothing about a lease; a missing webhook is no takeover either.
        await Assert.ThrowsAsync<StorageConflictException>(() => s.A.MarkWebhookSuccessAsync(id));
        await Assert.ThrowsAsync<StorageNotFoundException>(() => s.A.MarkWebhookSuccessAsync("missing-webhook", "token"));
        Assert.Equal(3, metrics.Sum("cedros.storage.webhook.lease_takeovers"));
        Assert.Equal(2, metrics.Sum("cedros.storage.webhook.claims"));
    }

    [Fact]
    public async Task Gauges_report_the_queue_depth_by_status_and_the_oldest_pending_age_across_tenants()
    {
        await using var s = await OpenAsync();
        using var metrics = new StorageMeasurements(s);
        var first = await s.A.EnqueueWebhookAsync(Make.Webhook());
        s.Time.Advance(TimeSpan.FromSeconds(30));
        await s.A.EnqueueWebhookAsync(Make.Webhook());
        await s.B.EnqueueWebhookAsync(Make.Webhook());
        var fourth = await s.A.EnqueueWebhookAsync(Make.Webhook());
        var dead = await s.B.EnqueueWebhookAsync(Make.Webhook() with { MaxAttempts = 1 });
        s.Time.Advance(TimeSpan.FromSeconds(60));

        var claimed = Assert.Single(await s.A.DequeueWebhooksAsync(1));
        Assert.Equal(first, claimed.Id);
        await s.A.MarkWebhookSuccessAsync(first, claimed.ClaimToken!);
        await s.A.MarkWebhookProcessingAsync(fourth);
        await s.B.MarkWebhookProcessingAsync(dead);
        await s.B.MarkWebhookFailedAsync(dead, "gone", s.Now);

        metrics.RecordGauges();
        Assert.Equal(2, metrics.Last("cedros.storage.webhook.queue_depth", "status", "pending"));
        Assert.Equal(1, metrics.Last("cedros.storage.webhook.queue_depth", "status", "processing"));
        Assert.Equal(1, metrics.Last("cedros.storage.webhook.queue_depth", "status", "success"));
        Assert.Equal(1, metrics.Last("cedros.storage.webhook.queue_depth", "status", "failed"));
        // The oldest pending webhooks were enqueued 60 s ago (the older one was delivered).
        Assert.Equal(60, metrics.Last("cedros.storage.webhook.oldest_pending_age"), 3);
    }

    [Fact]
    public async Task Gauges_of_an_empty_queue_are_zero()
    {
        await using var s = await OpenAsync();
        using var metrics = new StorageMeasurements(s);
        metrics.RecordGauges();
        foreach (var status in new[] { "pending", "processing", "success", "failed" })
            Assert.Equal(0, metrics.Last("cedros.storage.webhook.queue_depth", "status", status));
        Assert.Equal(0, metrics.Last("cedros.storage.webhook.oldest_pending_age"));
    }
}

/// <summary>The measurements of one storage's meter (each storage has its own <see cref="Meter"/>; other storages
/// open in parallel tests are ignored).</summary>
internal sealed class StorageMeasurements : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Instrument, double Value, KeyValuePair<string, object?>[] Tags)> _measurements = new();

    public StorageMeasurements(TestStorage storage)
    {
        var meter = ((TenantStore)storage.A).Door.Telemetry.Meter;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter)) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => _measurements.Enqueue((i.Name, v, tags.ToArray())));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => _measurements.Enqueue((i.Name, v, tags.ToArray())));
        _listener.Start();
    }

    /// <summary>Collects the observable gauges once.</summary>
    public void RecordGauges() => _listener.RecordObservableInstruments();

    /// <summary>Sum of an instrument's measurements.</summary>
    public double Sum(string instrument) => _measurements.Where(m => m.Instrument == instrument).Sum(m => m.Value);

    /// <summary>The last measurement of an instrument (with tag <paramref name="tag"/> = <paramref name="value"/> when given).</summary>
    public double Last(string instrument, string? tag = null, string? value = null) =>
        _measurements.Last(m => m.Instrument == instrument && (tag is null || m.Tags.Any(t => t.Key == tag && Equals(t.Value, value)))).Value;

    public void Dispose() => _listener.Dispose();
}
