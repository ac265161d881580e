using Cedros.Storage.Tests.Backends;

namespace Cedros.Storage.Tests.Concurrency;

/// <summary>
/// Races between separate OS processes on one store (same cases for every backend that can share a store between
/// processes): each worker attempts every operation, and across all workers each item has exactly the allowed winners.
/// </summary>
public abstract class CrossProcessRaceTests<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : class, IStorageFixture, IProcessFixture
{
    private const int Workers = 4;

    protected TFixture Fixture { get; } = fixture;

    private async Task<(ProcessTarget Target, ICedrosStorage Storage)> NewTargetAsync()
    {
        var target = await Fixture.CreateProcessTargetAsync();
        return (target, await Fixture.OpenTargetAsync(target, TimeProvider.System));
    }

    private static async Task<List<string>> RunAsync(ProcessTarget target, Func<int, string[]> command)
    {
        var workers = await WorkerProcess.StartTogetherAsync(Workers, i =>
        {
            var c = command(i);
            return WorkerProcess.Start(target, c[0], c[1..]);
        });
        try
        {
            await Task.WhenAll(workers.Select(w => w.WaitExitAsync()));
            return workers.SelectMany(w => w.Wins).ToList();
        }
        finally
        {
            foreach (var w in workers) w.Dispose();
        }
    }

    private static void AssertEachOnce(IEnumerable<string> expected, List<string> wins)
    {
        Assert.Equal(wins.Count, wins.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(expected.Order(StringComparer.Ordinal), wins.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Each_payment_signature_is_recorded_by_exactly_one_process()
    {
        var (target, storage) = await NewTargetAsync();
        await using var _ = storage;
        var wins = await RunAsync(target, i => ["record-payments", "sig-", "200", $"w{i}"]);
        AssertEachOnce(Enumerable.Range(0, 200).Select(i => $"sig-{i}"), wins);
        for (var i = 0; i < 200; i += 37) Assert.True(await storage.Default.HasPaymentBeenProcessedAsync($"sig-{i}"));
    }

    [Fact]
    public async Task Each_nonce_is_consumed_by_exactly_one_process()
    {
        var (target, storage) = await NewTargetAsync();
        await using var _ = storage;
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < 100; i++)
            await storage.Default.CreateNonceAsync(new AdminNonce { Id = $"n-{i}", Purpose = "race", CreatedAt = now, ExpiresAt = now.AddHours(1) });
        var wins = await RunAsync(target, _ => ["consume-nonces", "n-", "100"]);
        AssertEachOnce(Enumerable.Range(0, 100).Select(i => $"n-{i}"), wins);
    }

    [Fact]
    public async Task A_coupon_is_used_exactly_up_to_its_limit_across_processes()
    {
        var (target, storage) = await NewTargetAsync();
        await using var _ = storage;
        await storage.Default.Coupons.CreateCouponAsync(new Coupon { Code = "LIMIT25", DiscountValue = 10, UsageLimit = 25 });
        var wins = await RunAsync(target, _ => ["increment-coupon", "limit25", "20"]);
        AssertEachOnce(Enumerable.Range(1, 25).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), wins);
        Assert.Equal(25, (await storage.Default.Coupons.GetCouponAsync("LIMIT25"))!.UsageCount);
    }

    [Fact]
    public async Task Each_source_and_purchase_id_stores_exactly_one_order_across_processes()
    {
        var (target, storage) = await NewTargetAsync();
        await using var _ = storage;
        var wins = await RunAsync(target, i => ["store-orders", "p-", "50", $"w{i}"]);
        AssertEachOnce(Enumerable.Range(0, 50).Select(i => $"p-{i}"), wins);
        var page = await storage.Default.ListOrdersFilteredAsync(null, null, null, null, 100, 0);
        Assert.Equal(50, page.Total);
    }

    [Fact]
    public async Task Every_webhook_is_delivered_exactly_once_across_processes()
    {
        var (target, storage) = await NewTargetAsync();
        await using var _ = storage;
        for (var i = 0; i < 200; i++)
            await storage.Default.EnqueueWebhookAsync(new PendingWebhook { Id = $"wh-{i:D3}", Url = "https://example.test/hook", Payload = $$"""{"n":{{i}}}""" });
        var wins = await RunAsync(target, _ => ["drain-webhooks", "5"]);
        AssertEachOnce(Enumerable.Range(0, 200).Select(i => $"wh-{i:D3}"), wins);
        var counts = await storage.Default.CountWebhooksByStatusAsync();
        Assert.Equal(200, counts[WebhookStatus.Success]);
        Assert.Equal(0, counts[WebhookStatus.Processing] + counts[WebhookStatus.Pending]);
    }

    [Fact]
    public async Task Reservations_from_several_processes_never_oversell_stock()
    {
        var (target, storage) = await NewTargetAsync();
        await using var _ = storage;
        var wins = await RunAsync(target, i => ["reserve", "widget", "20", "30", $"w{i}"]);
        Assert.Equal(30, wins.Count);
        Assert.Equal(30, await storage.Default.GetReservedQuantityAsync("widget"));
    }

    [Fact]
    public async Task Each_idempotency_key_is_started_by_exactly_one_process()
    {
        var (target, storage) = await NewTargetAsync();
        await using var _ = storage;
        var wins = await RunAsync(target, _ => ["idempotency-begin", "k-", "50"]);
        AssertEachOnce(Enumerable.Range(0, 50).Select(i => $"k-{i}"), wins);
    }
}
