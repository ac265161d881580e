using System.Globalization;
using Cedros.Storage.Tests.Backends;
using Cedros.Storage.Tests.Concurrency;
using Xunit.Abstractions;

namespace Cedros.Storage.Tests.Webhooks;

public sealed class SqliteWebhookDispatcherKillTests(SqliteFixture f, ITestOutputHelper o) : WebhookDispatcherKillTests<SqliteFixture>(f, o);
public sealed class PostgresWebhookDispatcherKillTests(PostgresFixture f, ITestOutputHelper o) : WebhookDispatcherKillTests<PostgresFixture>(f, o);

/// <summary>
/// Issue 17: a dispatcher killed mid-batch. A real child process (<c>Cedros.Storage.ProcessWorker dispatch-webhooks</c>,
/// the dispatcher registered with <c>AddCedrosWebhookDispatcher</c>) delivers a shared database's queue to a loopback
/// receiver that holds some requests of the batch; it is killed with SIGKILL while they hang, and a second dispatcher
/// process drains the queue. Nothing may be lost, and the only webhooks delivered twice are those that were still
/// claimed (processing) when the first one died: they are delivered again once their lease lapses.
/// </summary>
public abstract class WebhookDispatcherKillTests<TFixture>(TFixture fixture, ITestOutputHelper output) : IClassFixture<TFixture>
    where TFixture : class, IStorageFixture, IProcessFixture
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const int Webhooks = 40;
    private const int VisibilityMs = 10_000;

    [Fact]
    public async Task A_dispatcher_process_killed_mid_batch_loses_nothing_and_duplicates_only_webhooks_whose_lease_expired()
    {
        var target = await fixture.CreateProcessTargetAsync();
        await using var storage = await fixture.OpenTargetAsync(target, TimeProvider.System);
        await using var receiver = new LoopbackReceiver(_ => Secret, () => DateTimeOffset.UtcNow);
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.Respond = async (r, ct) =>
        {
            if (r.Path == "/hang") await hold.Task.WaitAsync(ct);
            return (200, null);
        };
        var ids = new List<string>();
        var tenants = new[] { storage.Default, storage.ForTenant("tenant-b") };
        for (var i = 0; i < Webhooks; i++)
        {
            var webhook = new PendingWebhook
            {
                Url = receiver.BaseUrl + (i % 4 == 0 ? "/hang" : "/ok"),
                Payload = $"{{\"n\":{i}}}",
                EventType = "test.kill",
            };
            ids.Add(await tenants[i % 2].EnqueueWebhookAsync(webhook));
        }
        var hanging = ids.Where((_, i) => i % 4 == 0).ToHashSet();
        var visibility = VisibilityMs.ToString(CultureInfo.InvariantCulture);

        // First dispatcher: batches of 8, so the hanging requests are spread over several batches.
        using (var first = WorkerProcess.Start(target, "dispatch-webhooks", visibility, "8", Secret))
        {
            await first.WaitReadyAsync();
            first.Go();
            await Eventually(async () => await CountAsync(tenants, WebhookStatus.Success) == Webhooks - hanging.Count
                && hanging.All(id => receiver.CountOf(id) >= 1), "every fast webhook delivered, every hanging one in flight",
                async () => $"{await CountAsync(tenants, WebhookStatus.Success)} delivered, {receiver.Received.Count} requests; "
                    + $"worker: {string.Join(" | ", first.Lines.Concat(first.Errors))}");
            await first.KillAsync(); // SIGKILL while the receiver holds the hanging requests
        }
        var processingAtKill = new HashSet<string>(StringComparer.Ordinal);
        foreach (var id in ids)
            if (await GetAsync(tenants, id) is { Status: WebhookStatus.Processing }) processingAtKill.Add(id);
        Assert.Superset(hanging, processingAtKill);
        Assert.NotEmpty(processingAtKill); // (a held request that hit the 30 s request timeout is pending again, not in flight)
        var receivedBeforeKill = receiver.Received.Count;

        // The held requests are answered now; the dead process cannot acknowledge them. A second dispatcher drains.
        hold.SetResult();
        var started = DateTime.UtcNow;
        using (var second = WorkerProcess.Start(target, "dispatch-webhooks", visibility, "8", Secret))
        {
            await second.WaitReadyAsync();
            second.Go();
            await Eventually(async () => await CountAsync(tenants, WebhookStatus.Success) == Webhooks, "all delivered",
                async () => $"{await CountAsync(tenants, WebhookStatus.Success)} delivered; worker: {string.Join(" | ", second.Lines.Concat(second.Errors))}");
            second.Stop();
            await second.WaitExitAsync();
        }
        var drained = DateTime.UtcNow - started;

        // Every claim counts an attempt, and a lease expiry is what lets a webhook be claimed again: a webhook claimed
        // once (attempts 1) must have been delivered exactly once; one claimed n times at most n times.
        var counts = ids.ToDictionary(id => id, receiver.CountOf);
        var attempts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            var webhook = (await GetAsync(tenants, id))!;
            Assert.Equal(WebhookStatus.Success, webhook.Status);
            attempts[id] = webhook.Attempts;
        }
        var duplicates = counts.Sum(c => c.Value - 1);
        var leaseExpiries = attempts.Sum(a => a.Value - 1);
        output.WriteLine($"{target.Backend}: {Webhooks} webhooks, {processingAtKill.Count} claimed at the kill, {receivedBeforeKill} requests before it, "
            + $"{receiver.Received.Count} in all: {duplicates} duplicate deliveries, {leaseExpiries} lease expiries; drained in {drained.TotalSeconds:0.0} s");
        Assert.All(counts, c => Assert.True(c.Value >= 1, $"{c.Key} lost"));                               // 0 lost
        Assert.All(ids, id => Assert.True(counts[id] <= attempts[id], $"{id}: {counts[id]} deliveries, {attempts[id]} claims"));
        Assert.All(ids.Where(id => attempts[id] == 1), id => Assert.Equal(1, counts[id]));                  // no expiry, no duplicate
        Assert.All(processingAtKill, id => Assert.True(attempts[id] >= 2, $"{id} was claimed by the killed dispatcher and never again"));
        Assert.All(processingAtKill, id => Assert.True(counts[id] >= 2, $"{id}: the killed dispatcher's request was held, yet only {counts[id]} delivery"));
        Assert.InRange(duplicates, processingAtKill.Count, leaseExpiries);
        Assert.All(receiver.Received, r => Assert.True(r.SignatureValid, $"signature of {r.Id}"));
    }

    private static async Task<PendingWebhook?> GetAsync(ITenantStorage[] tenants, string id)
    {
        foreach (var tenant in tenants)
            if (await tenant.GetWebhookAsync(id) is { } found) return found;
        return null;
    }

    private static async Task<long> CountAsync(ITenantStorage[] tenants, WebhookStatus status)
    {
        long total = 0;
        foreach (var tenant in tenants) total += (await tenant.CountWebhooksByStatusAsync())[status];
        return total;
    }

    private async Task Eventually(Func<Task<bool>> condition, string what, Func<Task<string>> state)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var last = "";
        while (!await condition())
        {
            var now = await state();
            if (now != last) output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {now}");
            last = now;
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out waiting for: {what} ({await state()})");
            await Task.Delay(50);
        }
    }
}
