using Cedros.Storage.Postgres;
using Cedros.Storage.Tests.Backends;
using Cedros.Storage.Tests.Conformance;
using Microsoft.Extensions.Time.Testing;

namespace Cedros.Storage.Tests.Postgres;

/// <summary>
/// Races with real connections: 32+ concurrent callers, each through its own <see cref="PostgresStorage"/> (own
/// connection pool, as separate server instances would have) on one schema.
/// </summary>
public sealed class PostgresMultiClientRaceTests(PostgresFixture fixture) : IClassFixture<PostgresFixture>
{
    private const int ClientCount = 32;
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Opens <see cref="ClientCount"/> storages on one fresh schema (they migrate concurrently, too).</summary>
    private async Task<ClientSet> OpenClientsAsync()
    {
        var cs = await fixture.CreateSchemaAsync();
        var time = new FakeTimeProvider(Start);
        var storages = await Task.WhenAll(Enumerable.Range(0, ClientCount).Select(_ => Task.Run(async () =>
            (ICedrosStorage)await PostgresStorage.OpenAsync(fixture.Options(cs, o => o.Postgres.MaxPoolSize = 2), time))));
        return new ClientSet(storages, time);
    }

    private sealed class ClientSet(ICedrosStorage[] storages, FakeTimeProvider time) : IAsyncDisposable
    {
        public FakeTimeProvider Time { get; } = time;
        public ITenantStorage this[int i] => storages[i % storages.Length].ForTenant("tenant-a");

        public async ValueTask DisposeAsync()
        {
            foreach (var s in storages) await s.DisposeAsync();
        }
    }

    [Fact]
    public async Task One_signature_is_recorded_by_exactly_one_client()
    {
        await using var c = await OpenClientsAsync();
        var results = await Races.RunAsync(ClientCount, i => c[i].TryRecordPaymentAsync(Make.Payment(Start, "sig-race")));
        Assert.All(results, r => Assert.Null(r.Error));
        Assert.Equal(1, results.Count(r => r.Result));
    }

    [Fact]
    public async Task One_nonce_is_consumed_by_exactly_one_client()
    {
        await using var c = await OpenClientsAsync();
        await c[0].CreateNonceAsync(Make.Nonce(Start, id: "nonce-race"));
        var results = await Races.RunAsync(ClientCount, async i => { await c[i].ConsumeNonceAsync("nonce-race", "approve-refund"); return true; });
        Assert.Equal(1, results.Count(r => r.Error is null));
        Assert.All(results.Where(r => r.Error is not null),
            r => Assert.Equal(NonceFailureReason.AlreadyConsumed, Assert.IsType<NonceException>(r.Error).Reason));
    }

    [Fact]
    public async Task A_coupon_at_its_limit_is_never_used_beyond_it()
    {
        await using var c = await OpenClientsAsync();
        await c[0].Coupons.CreateCouponAsync(Make.Coupon(Start, "RACE10") with { UsageLimit = 10 });
        var results = await Races.RunAsync(ClientCount, i => c[i].Coupons.IncrementUsageAsync("race10"));
        Assert.Equal(10, results.Count(r => r.Error is null));
        Assert.All(results.Where(r => r.Error is not null), r => Assert.IsType<StorageLimitReachedException>(r.Error));
        Assert.Equal(Enumerable.Range(1, 10), results.Where(r => r.Error is null).Select(r => r.Result).Order());
    }

    [Fact]
    public async Task One_purchase_becomes_exactly_one_order()
    {
        await using var c = await OpenClientsAsync();
        var results = await Races.RunAsync(ClientCount, i => c[i].TryStoreOrderAsync(Make.Order(Start, $"order-{i}", "purchase-race")));
        Assert.All(results, r => Assert.Null(r.Error));
        Assert.Equal(1, results.Count(r => r.Result));
    }

    [Fact]
    public async Task Webhook_workers_never_claim_a_webhook_twice_and_deliver_each_once()
    {
        await using var c = await OpenClientsAsync();
        for (var i = 0; i < 200; i++) await c[0].EnqueueWebhookAsync(Make.Webhook($"wh-{i:D3}"));
        var delivered = new System.Collections.Concurrent.ConcurrentBag<string>();
        var results = await Races.RunAsync(ClientCount, async i =>
        {
            while (true)
            {
                var batch = await c[i].DequeueWebhooksAsync(3);
                if (batch.Count == 0) return true;
                foreach (var w in batch)
                {
                    delivered.Add(w.Id);
                    await c[i].MarkWebhookSuccessAsync(w.Id, w.ClaimToken!);
                }
            }
        });
        Assert.All(results, r => Assert.Null(r.Error));
        Assert.Equal(200, delivered.Count);
        Assert.Equal(200, delivered.Distinct().Count());
        Assert.Equal(200, (await c[0].CountWebhooksByStatusAsync())[WebhookStatus.Success]);
    }

    [Fact]
    public async Task Reservations_never_oversell_limited_stock()
    {
        await using var c = await OpenClientsAsync();
        var results = await Races.RunAsync(ClientCount * 2, async i =>
        {
            await c[i].ReserveInventoryAsync(Make.Reservation(Start, "prod-race", $"cart-{i}") with { Id = $"res-{i}" }, availableStock: 20);
            return true;
        });
        Assert.Equal(20, results.Count(r => r.Error is null));
        Assert.All(results.Where(r => r.Error is not null), r => Assert.IsType<StorageLimitReachedException>(r.Error));
        Assert.Equal(20, await c[0].GetReservedQuantityAsync("prod-race"));
    }

    [Fact]
    public async Task One_idempotency_key_is_started_by_exactly_one_client()
    {
        await using var c = await OpenClientsAsync();
        var results = await Races.RunAsync(ClientCount, i => c[i].TryBeginIdempotentRequestAsync("key-race", "fp-1", TimeSpan.FromMinutes(1)));
        Assert.All(results, r => Assert.Null(r.Error));
        Assert.Equal(1, results.Count(r => r.Result!.Outcome == IdempotencyBeginOutcome.Started));
        Assert.All(results.Where(r => r.Result!.Outcome != IdempotencyBeginOutcome.Started),
            r => Assert.Equal(IdempotencyBeginOutcome.InProgress, r.Result!.Outcome));
    }

    [Fact]
    public async Task Concurrent_admins_setting_the_same_status_make_one_transition_and_one_history_entry()
    {
        await using var c = await OpenClientsAsync();
        await c[0].TryStoreOrderAsync(Make.Order(Start, "order-status") with { Status = OrderStatus.Paid });
        var plain = await Races.RunAsync(ClientCount, async i =>
        {
            await c[i].UpdateOrderStatusAsync("order-status", OrderStatus.Processing, Start, Start);
            return true;
        });
        Assert.All(plain, r => Assert.Null(r.Error));
        var withHistory = await Races.RunAsync(ClientCount, i => c[i].UpdateOrderStatusWithHistoryAsync("order-status", OrderStatus.Fulfilled, Start));
        Assert.All(withHistory, r => Assert.Null(r.Error));
        Assert.Equal(1, withHistory.Count(r => r.Result is not null));
        var history = await c[0].ListOrderHistoryAsync("order-status", 100);
        Assert.Equal((OrderStatus.Processing, OrderStatus.Fulfilled), (Assert.Single(history).FromStatus, history[0].ToStatus));
    }
}
