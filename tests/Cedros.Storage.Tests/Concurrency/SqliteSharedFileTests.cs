using Cedros.Storage.Sqlite;
using Cedros.Storage.Tests.Backends;
using Cedros.Storage.Tests.Conformance;

namespace Cedros.Storage.Tests.Concurrency;

/// <summary>
/// Two (here: four) app instances in one process sharing a database file: separate <see cref="SqliteStorage"/>
/// objects have separate in-process writer gates, so only SQLite's file lock keeps them apart.
/// </summary>
public sealed class SqliteSharedFileTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    private const int Callers = 64;

    private async Task<SqliteStorage[]> OpenInstancesAsync()
    {
        var path = fixture.NewPath();
        var first = await SqliteStorage.OpenAsync(fixture.NewOptions(path));
        var rest = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => SqliteStorage.OpenAsync(fixture.NewOptions(path))));
        return [first, .. rest];
    }

    private static async Task DisposeAllAsync(SqliteStorage[] instances)
    {
        foreach (var i in instances) await i.DisposeAsync();
    }

    [Fact]
    public async Task One_signature_is_recorded_once_across_instances()
    {
        var instances = await OpenInstancesAsync();
        try
        {
            var outcomes = await Races.RunAsync(Callers, i =>
                instances[i % 4].Default.TryRecordPaymentAsync(new PaymentTransaction { Signature = "shared", ResourceId = "r", Amount = i }));
            Assert.All(outcomes, o => Assert.Null(o.Error));
            Assert.Equal(1, outcomes.Count(o => o.Result));
        }
        finally
        {
            await DisposeAllAsync(instances);
        }
    }

    [Fact]
    public async Task One_nonce_is_consumed_once_across_instances()
    {
        var instances = await OpenInstancesAsync();
        try
        {
            var now = DateTimeOffset.UtcNow;
            await instances[0].Default.CreateNonceAsync(new AdminNonce { Id = "n", Purpose = "p", CreatedAt = now, ExpiresAt = now.AddHours(1) });
            var outcomes = await Races.RunAsync(Callers, async i =>
            {
                await instances[i % 4].Default.ConsumeNonceAsync("n");
                return true;
            });
            Assert.Equal(1, outcomes.Count(o => o.Error is null));
            Assert.All(outcomes.Where(o => o.Error is not null), o =>
                Assert.Equal(NonceFailureReason.AlreadyConsumed, Assert.IsType<NonceException>(o.Error).Reason));
        }
        finally
        {
            await DisposeAllAsync(instances);
        }
    }

    [Fact]
    public async Task A_coupon_limit_holds_across_instances()
    {
        var instances = await OpenInstancesAsync();
        try
        {
            await instances[0].Default.Coupons.CreateCouponAsync(new Coupon { Code = "TEN", DiscountValue = 1, UsageLimit = 10 });
            var outcomes = await Races.RunAsync(Callers, i => instances[i % 4].Default.Coupons.IncrementUsageAsync("ten"));
            Assert.Equal(10, outcomes.Count(o => o.Error is null));
            Assert.All(outcomes.Where(o => o.Error is not null), o => Assert.IsType<StorageLimitReachedException>(o.Error));
            Assert.Equal(Enumerable.Range(1, 10), outcomes.Where(o => o.Error is null).Select(o => o.Result).Order());
        }
        finally
        {
            await DisposeAllAsync(instances);
        }
    }

    [Fact]
    public async Task Webhooks_are_claimed_once_across_instances()
    {
        var instances = await OpenInstancesAsync();
        try
        {
            for (var i = 0; i < 100; i++)
                await instances[0].Default.EnqueueWebhookAsync(new PendingWebhook { Id = $"w{i}", Url = "https://x.test", Payload = "{}" });
            var outcomes = await Races.RunAsync(Callers, i => instances[i % 4].Default.DequeueWebhooksAsync(3));
            Assert.All(outcomes, o => Assert.Null(o.Error));
            var claimed = outcomes.SelectMany(o => o.Result!).Select(w => w.Id).ToList();
            Assert.Equal(claimed.Count, claimed.Distinct().Count());
            Assert.Equal(100, claimed.Count);
        }
        finally
        {
            await DisposeAllAsync(instances);
        }
    }

    [Fact]
    public async Task Reservations_never_oversell_across_instances()
    {
        var instances = await OpenInstancesAsync();
        try
        {
            var expires = DateTimeOffset.UtcNow.AddHours(1);
            var outcomes = await Races.RunAsync(Callers, async i =>
            {
                await instances[i % 4].Default.ReserveInventoryAsync(
                    new InventoryReservation { Id = $"r{i}", ProductId = "p", ExpiresAt = expires }, availableStock: 20);
                return true;
            });
            Assert.Equal(20, outcomes.Count(o => o.Error is null));
            Assert.Equal(20, await instances[1].Default.GetReservedQuantityAsync("p"));
        }
        finally
        {
            await DisposeAllAsync(instances);
        }
    }

    [Fact]
    public async Task Transactions_from_several_instances_commit_all_or_nothing()
    {
        var instances = await OpenInstancesAsync();
        try
        {
            var outcomes = await Races.RunAsync(32, i => instances[i % 4].Default.InTransactionAsync(async (tx, ct) =>
            {
                await tx.RecordPaymentAsync(new PaymentTransaction { Signature = $"tx{i}", ResourceId = "r" }, ct);
                await tx.EnqueueWebhookAsync(new PendingWebhook { Id = $"tx{i}", Url = "https://x.test", Payload = "{}" }, ct);
                if (i % 2 == 1) throw new InvalidOperationException("rolled back");
                return true;
            }));
            Assert.Equal(16, outcomes.Count(o => o.Error is null));
            for (var i = 0; i < 32; i++)
            {
                Assert.Equal(i % 2 == 0, await instances[0].Default.HasPaymentBeenProcessedAsync($"tx{i}"));
                Assert.Equal(i % 2 == 0, await instances[0].Default.GetWebhookAsync($"tx{i}") is not null);
            }
        }
        finally
        {
            await DisposeAllAsync(instances);
        }
    }

    [Fact]
    public async Task A_refund_payout_is_claimed_once_across_instances()
    {
        var instances = await OpenInstancesAsync();
        try
        {
            var now = DateTimeOffset.UtcNow;
            await instances[0].Default.SaveRefundQuoteAsync(new RefundQuote
            {
                Id = "refund", OriginalPurchaseId = "p", RecipientWallet = "w", Amount = 5, CreatedAt = now, ExpiresAt = now.AddHours(1),
            });
            var outcomes = await Races.RunAsync(Callers, i =>
                instances[i % 4].Default.TryBeginRefundPayoutAsync("refund", $"worker-{i}", TimeSpan.FromMinutes(5)));
            Assert.All(outcomes, o => Assert.Null(o.Error));
            Assert.Single(outcomes, o => o.Result is not null);
        }
        finally
        {
            await DisposeAllAsync(instances);
        }
    }
}
