using System.Diagnostics.Metrics;
using System.Globalization;
using Cedros.Storage.Internal;
using Cedros.Storage.Observability;
using Cedros.Storage.Tests.Maintenance;
using Microsoft.Extensions.DependencyInjection;
using Cedros.Storage.Tests.Backends;
using Cedros.Storage.Tests.Conformance;
using Cedros.Storage.Webhooks;

namespace Cedros.Storage.Tests.Webhooks;

public sealed class InMemoryWebhookDispatcherTests(InMemoryFixture f) : WebhookDispatcherConformance<InMemoryFixture>(f);
public sealed class SqliteWebhookDispatcherTests(SqliteFixture f) : WebhookDispatcherConformance<SqliteFixture>(f);
public sealed class PostgresWebhookDispatcherTests(PostgresFixture f) : WebhookDispatcherConformance<PostgresFixture>(f);

/// <summary>
/// Issue 17: the webhook dispatcher against a real loopback receiver that verifies every signature and counts
/// deliveries. The storage and the dispatcher share one fake clock: time only moves when a test advances it.
/// </summary>
public abstract class WebhookDispatcherConformance<TFixture>(TFixture fixture) : ConformanceTest<TFixture>(fixture)
    where TFixture : class, IStorageFixture
{
    private static readonly TimeSpan Visibility = TimeSpan.FromMinutes(5);
    private const string SecretA = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string SecretB = "endpoint-b-plain-secret";

    private static string SecretOfPath(string path) => path.StartsWith("/b", StringComparison.Ordinal) ? SecretB : SecretA;

    private sealed class Harness(TestStorage storage, LoopbackReceiver receiver, HttpClient http) : IAsyncDisposable
    {
        public TestStorage S { get; } = storage;
        public LoopbackReceiver Receiver { get; } = receiver;
        private readonly List<WebhookDispatcher> _dispatchers = [];

        public PendingWebhook Webhook(string path, string? id = null) =>
            Make.Webhook(id) with { Url = Receiver.BaseUrl + path, Payload = $"{{\"n\": {Random.Shared.Next()}, \"path\":\"{path}\"}}" };

        public async Task<WebhookDispatcher> StartDispatcherAsync(Action<WebhookDispatcherOptions>? configure = null, StorageMetrics? metrics = null)
        {
            var options = new WebhookDispatcherOptions
            {
                BatchSize = 10,
                MaxConcurrency = 16,
                SigningSecret = w => SecretOfPath(new Uri(w.Url).AbsolutePath),
                RequestTimeout = TimeSpan.FromHours(1),
            };
            configure?.Invoke(options);
            var dispatcher = new WebhookDispatcher(S.Storage, () => http, options, Visibility, S.Time, metrics: metrics);
            _dispatchers.Add(dispatcher);
            await dispatcher.StartAsync(CancellationToken.None);
            return dispatcher;
        }

        public async Task<PendingWebhook> GetAsync(string id) =>
            (await S.A.GetWebhookAsync(id)) ?? (await S.B.GetWebhookAsync(id))!;

        public async ValueTask DisposeAsync()
        {
            foreach (var d in _dispatchers)
            {
                await d.StopAsync(CancellationToken.None);
                d.Dispose();
            }
            await Receiver.DisposeAsync();
            http.Dispose();
            await S.DisposeAsync();
        }
    }

    private async Task<Harness> OpenHarnessAsync()
    {
        var s = await OpenAsync(o => o.Webhooks.VisibilityTimeout = Visibility);
        var receiver = new LoopbackReceiver(SecretOfPath, () => s.Time.GetUtcNow());
        return new Harness(s, receiver, new HttpClient { Timeout = Timeout.InfiniteTimeSpan });
    }

    /// <summary>Waits (real time, polling) until <paramref name="condition"/> holds; fails after 30 s.</summary>
    private static async Task Eventually(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail("Timed out waiting for: " + what);
            await Task.Delay(20);
        }
    }

    /// <summary>As <see cref="Eventually"/>, advancing the fake clock by a second before each check, so the
    /// dispatcher's poll timer (on the same clock) keeps firing whatever moment it was armed at.</summary>
    private static Task EventuallyTicking(Harness h, Func<Task<bool>> condition, string what) =>
        Eventually(() =>
        {
            h.S.Time.Advance(TimeSpan.FromSeconds(1));
            return condition();
        }, what);

    private static async Task<long> CountAsync(Harness h, WebhookStatus status) =>
        (await h.S.A.CountWebhooksByStatusAsync())[status] + (await h.S.B.CountWebhooksByStatusAsync())[status];

    [Fact]
    public async Task Every_webhook_is_delivered_exactly_once_signed_with_its_endpoints_secret()
    {
        await using var h = await OpenHarnessAsync();
        var sent = new Dictionary<string, PendingWebhook>();
        for (var i = 0; i < 40; i++)
        {
            var webhook = h.Webhook(i % 2 == 0 ? "/a/hooks" : "/b/hooks");
            await (i % 3 == 0 ? h.S.B : h.S.A).EnqueueWebhookAsync(webhook);
            sent[webhook.Id] = webhook;
        }
        await h.StartDispatcherAsync();
        await Eventually(async () => await CountAsync(h, WebhookStatus.Success) == 40, "40 delivered");

        var received = h.Receiver.Received.ToArray();
        Assert.Equal(40, received.Length);
        Assert.All(received, r => Assert.True(r.SignatureValid, $"signature of {r.Id}"));
        Assert.Equal(sent.Keys.Order(), received.Select(r => r.Id!).Order());
        foreach (var r in received)
        {
            Assert.Equal(sent[r.Id!].Payload, r.Body);
            Assert.Equal(new Uri(sent[r.Id!].Url).AbsolutePath, r.Path);
            Assert.Equal("abc", r.Headers["X-Signature"]);
            Assert.Equal(h.S.Time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), r.Timestamp);
        }
        foreach (var id in sent.Keys) Assert.Equal(1, (await h.GetAsync(id)).Attempts);
    }

    [Fact]
    public async Task A_500_is_retried_on_the_retry_schedule_and_then_delivered()
    {
        await using var h = await OpenHarnessAsync();
        var calls = 0;
        h.Receiver.Respond = (_, _) => Task.FromResult((Interlocked.Increment(ref calls) == 1 ? 500 : 200, (string?)null));
        var id = await h.S.A.EnqueueWebhookAsync(h.Webhook("/a"));
        await h.StartDispatcherAsync(o => o.RetrySchedule = [TimeSpan.FromSeconds(7), TimeSpan.FromMinutes(1)]);

        await Eventually(async () => await h.GetAsync(id) is { Status: WebhookStatus.Pending, Attempts: 1 }, "first attempt failed");
        var failed = await h.GetAsync(id);
        Assert.Equal(1, failed.Attempts);
        Assert.Equal("HTTP 500 Internal Server Error", failed.LastError);
        Assert.Equal(h.S.Now + TimeSpan.FromSeconds(7), failed.NextAttemptAt);

        h.S.Time.Advance(TimeSpan.FromSeconds(6));
        await EventuallyTicking(h, async () => (await h.GetAsync(id)).Status == WebhookStatus.Success, "retried and delivered");
        Assert.Equal(2, (await h.GetAsync(id)).Attempts);
        Assert.Equal(2, h.Receiver.CountOf(id));
        Assert.All(h.Receiver.Received, r => Assert.True(r.SignatureValid));
    }

    [Fact]
    public async Task A_webhook_that_keeps_failing_is_dead_lettered_after_max_attempts()
    {
        await using var h = await OpenHarnessAsync();
        h.Receiver.Respond = (_, _) => Task.FromResult((503, (string?)null));
        var id = await h.S.A.EnqueueWebhookAsync(h.Webhook("/a") with { MaxAttempts = 3 });
        await h.StartDispatcherAsync();
        await Eventually(async () => await h.GetAsync(id) is { Status: WebhookStatus.Pending, Attempts: 1 }, "attempt 1 failed");
        h.S.Time.Advance(WebhookRetry.FromSchedule(1) - TimeSpan.FromSeconds(1));
        await EventuallyTicking(h, async () => await h.GetAsync(id) is { Status: WebhookStatus.Pending, Attempts: 2 }, "attempt 2 failed");
        h.S.Time.Advance(WebhookRetry.FromSchedule(2) - TimeSpan.FromSeconds(1));
        await EventuallyTicking(h, async () => (await h.GetAsync(id)).Status == WebhookStatus.Failed, "dead-lettered");
        Assert.Equal(3, h.Receiver.CountOf(id));
        Assert.Equal(3, (await h.GetAsync(id)).Attempts);
    }

    [Theory]
    [InlineData("seconds")]
    [InlineData("http-date")]
    public async Task A_429_with_Retry_After_sets_the_next_attempt(string form)
    {
        await using var h = await OpenHarnessAsync();
        var retryAt = new DateTimeOffset(h.S.Time.GetUtcNow().UtcDateTime.AddTicks(-(h.S.Time.GetUtcNow().UtcTicks % TimeSpan.TicksPerSecond)), TimeSpan.Zero)
            .AddMinutes(42);
        var header = form == "seconds" ? "120" : retryAt.ToString("r", CultureInfo.InvariantCulture);
        var calls = 0;
        h.Receiver.Respond = (_, _) => Task.FromResult(Interlocked.Increment(ref calls) == 1 ? (429, header) : (200, (string?)null));
        var id = await h.S.A.EnqueueWebhookAsync(h.Webhook("/a"));
        await h.StartDispatcherAsync();

        await Eventually(async () => await h.GetAsync(id) is { Status: WebhookStatus.Pending, Attempts: 1 }, "first attempt refused");
        var expected = form == "seconds" ? h.S.Now + TimeSpan.FromSeconds(120) : retryAt;
        var refused = await h.GetAsync(id);
        Assert.Equal(expected, refused.NextAttemptAt);
        Assert.StartsWith("HTTP 429", refused.LastError);

        h.S.Time.Advance(expected - h.S.Now - TimeSpan.FromSeconds(1));
        Assert.Empty(await h.S.Storage.Default.DequeueWebhooksAsync(10)); // not due yet: nobody may claim it
        await EventuallyTicking(h, async () => (await h.GetAsync(id)).Status == WebhookStatus.Success, "delivered after Retry-After");
        Assert.Equal(2, h.Receiver.CountOf(id));
    }

    [Fact]
    public async Task A_slow_endpoint_does_not_delay_healthy_ones_and_keeps_its_lease_renewed()
    {
        await using var h = await OpenHarnessAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Receiver.Respond = async (r, ct) =>
        {
            if (r.Path == "/a/slow") await release.Task.WaitAsync(ct);
            return (200, null);
        };
        var slow = await h.S.A.EnqueueWebhookAsync(h.Webhook("/a/slow"));
        var healthy = new List<string>();
        for (var i = 0; i < 5; i++) healthy.Add(await h.S.A.EnqueueWebhookAsync(h.Webhook("/a/fast")));
        // One batch holds all six: the healthy ones are delivered and acknowledged while the slow one hangs.
        await h.StartDispatcherAsync();
        await Eventually(async () => await CountAsync(h, WebhookStatus.Success) == 5, "healthy delivered");
        Assert.Equal(WebhookStatus.Processing, (await h.GetAsync(slow)).Status);
        foreach (var id in healthy) Assert.Equal(WebhookStatus.Success, (await h.GetAsync(id)).Status);

        // The slow delivery renews its lease (every half visibility timeout), so nobody else can claim it.
        var claimedUntil = (await h.GetAsync(slow)).LockedUntil;
        h.S.Time.Advance(Visibility / 2);
        await Eventually(async () => (await h.GetAsync(slow)).LockedUntil > claimedUntil, "lease renewed");
        Assert.Equal(StorageTime.Micro(h.S.Now + Visibility), (await h.GetAsync(slow)).LockedUntil);
        h.S.Time.Advance(Visibility / 2 + TimeSpan.FromSeconds(1));
        Assert.Empty(await h.S.Storage.Default.DequeueWebhooksAsync(10));

        release.SetResult();
        await Eventually(async () => (await h.GetAsync(slow)).Status == WebhookStatus.Success, "slow delivered");
        Assert.Equal(1, (await h.GetAsync(slow)).Attempts);
        Assert.Equal(1, h.Receiver.CountOf(slow));
    }

    [Fact]
    public async Task A_request_that_times_out_is_a_failed_attempt()
    {
        await using var h = await OpenHarnessAsync();
        h.Receiver.Respond = async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return (200, null);
        };
        var id = await h.S.A.EnqueueWebhookAsync(h.Webhook("/a"));
        await h.StartDispatcherAsync(o => o.RequestTimeout = TimeSpan.FromSeconds(10));
        await Eventually(() => Task.FromResult(h.Receiver.CountOf(id) == 1), "request sent");
        h.S.Time.Advance(TimeSpan.FromSeconds(10));
        await Eventually(async () => await h.GetAsync(id) is { Status: WebhookStatus.Pending, Attempts: 1 }, "timed out");
        Assert.StartsWith("timed out", (await h.GetAsync(id)).LastError);
    }

    [Fact]
    public async Task A_dispatcher_stopped_mid_batch_loses_nothing_and_duplicates_only_the_webhooks_whose_lease_expired()
    {
        await using var h = await OpenHarnessAsync();
        var ids = new List<string>();
        for (var i = 0; i < 20; i++) ids.Add(await h.S.A.EnqueueWebhookAsync(h.Webhook(i % 4 == 0 ? "/a/hang" : "/a/ok")));
        var hanging = ids.Where((_, i) => i % 4 == 0).ToHashSet();
        h.Receiver.Respond = async (r, ct) =>
        {
            if (r.Path == "/a/hang") await Task.Delay(Timeout.Infinite, ct);
            return (200, null);
        };
        var first = await h.StartDispatcherAsync();
        await Eventually(async () => await CountAsync(h, WebhookStatus.Success) == 15
            && hanging.All(id => h.Receiver.CountOf(id) == 1), "15 delivered, 5 in flight");

        await first.StopAsync(CancellationToken.None); // mid-batch: five requests still in flight
        foreach (var id in hanging) Assert.Equal(WebhookStatus.Processing, (await h.GetAsync(id)).Status);

        h.Receiver.Respond = (_, _) => Task.FromResult((200, (string?)null));
        await h.StartDispatcherAsync();
        h.S.Time.Advance(Visibility); // the abandoned leases run out; the second dispatcher takes them over
        await EventuallyTicking(h, async () => await CountAsync(h, WebhookStatus.Success) == 20, "all delivered");

        var counts = ids.ToDictionary(id => id, h.Receiver.CountOf);
        Assert.All(counts, c => Assert.InRange(c.Value, 1, 2));
        Assert.Equal(hanging.Order(), counts.Where(c => c.Value == 2).Select(c => c.Key).Order());
        Assert.All(h.Receiver.Received, r => Assert.True(r.SignatureValid));
    }

    [Fact]
    public async Task The_dispatcher_counts_deliveries_by_outcome_and_times_every_post()
    {
        await using var h = await OpenHarnessAsync();
        await using var meterServices = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var meters = meterServices.GetRequiredService<IMeterFactory>();
        using var recorded = new MetricsRecorder(meters);
        using var metrics = new StorageMetrics(meters);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        h.Receiver.Respond = async (r, ct) =>
        {
            if (r.Path == "/a/slow") await release.Task.WaitAsync(ct);
            return (r.Path == "/a/fail" ? 500 : 200, null);
        };
        await h.S.A.EnqueueWebhookAsync(h.Webhook("/a/ok"));
        await h.S.A.EnqueueWebhookAsync(h.Webhook("/a/ok"));
        await h.S.A.EnqueueWebhookAsync(h.Webhook("/a/fail"));                          // retried later
        await h.S.A.EnqueueWebhookAsync(h.Webhook("/a/fail") with { MaxAttempts = 1 });  // dead-lettered
        var slow = await h.S.A.EnqueueWebhookAsync(h.Webhook("/a/slow"));                 // its lease is taken over
        // One claim takes all five; then the loop sleeps a (fake) day, and the slow delivery never renews its lease.
        await h.StartDispatcherAsync(o =>
        {
            o.PollInterval = TimeSpan.FromDays(1);
            o.LeaseRenewalInterval = TimeSpan.FromDays(1);
            o.RetrySchedule = [TimeSpan.FromHours(1)];
        }, metrics);

        const string Deliveries = "cedros.storage.webhook.deliveries";
        double Outcome(string outcome) => recorded.Sum(Deliveries, "outcome", outcome);
        await Eventually(() => Task.FromResult(Outcome("success") == 2 && Outcome("retry") == 1 && Outcome("dead") == 1
            && h.Receiver.CountOf(slow) == 1), "two delivered, one retried, one dead, the slow one in flight");
        Assert.Equal(0, Outcome("lease_lost"));

        // Another worker takes the lapsed lease over; the slow receiver then answers 200: the acknowledgement is refused.
        h.S.Time.Advance(Visibility + TimeSpan.FromSeconds(1));
        Assert.Equal(slow, Assert.Single(await h.S.Storage.Default.DequeueWebhooksAsync(10)).Id);
        release.SetResult();
        await Eventually(() => Task.FromResult(Outcome("lease_lost") == 1), "lease lost counted");
        Assert.Equal(2, Outcome("success"));
        Assert.Equal(5, recorded.Of(Deliveries).Sum(m => m.Value));

        // One duration per POST that got an answer: three 200s, two 500s.
        var durations = recorded.Of("cedros.storage.webhook.delivery.duration");
        Assert.Equal(5, durations.Count);
        Assert.All(durations, d => Assert.True(d.Value >= 0));
        Assert.Equal(3, durations.Count(d => Equals(d.Tags["outcome"], "success") && Equals(d.Tags["http.response.status_code"], 200)));
        Assert.Equal(2, durations.Count(d => Equals(d.Tags["outcome"], "failure") && Equals(d.Tags["http.response.status_code"], 500)));
    }
}
