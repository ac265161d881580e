using System.Collections.Concurrent;
using Cedros.Storage.Tests.Backends;

namespace Cedros.Storage.Tests.Conformance;

/// <summary>
/// Races across contract areas: many concurrent callers, and exactly the allowed number of winners. Each race checks
/// every caller's outcome (winners and the precise failure of every loser) and the state left behind.
/// </summary>
public abstract class RaceConformance<TFixture>(TFixture fixture) : ConformanceTest<TFixture>(fixture)
    where TFixture : class, IStorageFixture
{
    private const int Callers = 64;

    private static void AssertLosersFailWith<TException>(IEnumerable<(bool Result, Exception? Error)> outcomes, int winners,
        Func<TException, bool>? check = null)
        where TException : Exception
    {
        var list = outcomes.ToList();
        Assert.Equal(winners, list.Count(o => o.Error is null));
        foreach (var (_, error) in list.Where(o => o.Error is not null))
        {
            var typed = Assert.IsType<TException>(error, exactMatch: false);
            if (check is not null) Assert.True(check(typed), $"unexpected failure: {typed.Message}");
        }
    }

    private static async Task<bool> Done(Task call)
    {
        await call;
        return true;
    }

    [Fact]
    public async Task Recording_one_signature_from_64_callers_succeeds_exactly_once()
    {
        await using var s = await OpenAsync();
        const string signature = "race-signature";
        var outcomes = await Races.RunAsync(Callers, i =>
            Done((i % 2 == 0 ? s.A : s.B).RecordPaymentAsync(Make.Payment(s.Now, signature) with { Amount = i })));
        AssertLosersFailWith<PaymentReplayException>(outcomes, winners: 1, e => e.Signatures.SequenceEqual([signature]));

        var winner = Enumerable.Range(0, Callers).Single(i => outcomes[i].Error is null);
        var owner = winner % 2 == 0 ? s.A : s.B;
        Assert.Equal(winner, (await owner.GetPaymentAsync(signature))!.Amount);
        Assert.Null(await (winner % 2 == 0 ? s.B : s.A).GetPaymentAsync(signature));
    }

    [Fact]
    public async Task TryRecordPayment_from_64_callers_returns_true_exactly_once()
    {
        await using var s = await OpenAsync();
        var outcomes = await Races.RunAsync(Callers, _ => s.A.TryRecordPaymentAsync(Make.Payment(s.Now, "race-try")));
        Assert.All(outcomes, o => Assert.Null(o.Error));
        Assert.Equal(1, outcomes.Count(o => o.Result));
    }

    [Fact]
    public async Task Overlapping_payment_batches_from_64_callers_commit_exactly_one_batch()
    {
        await using var s = await OpenAsync();
        var outcomes = await Races.RunAsync(Callers, i =>
            Done(s.A.RecordPaymentsAsync([Make.Payment(s.Now, $"own-{i}"), Make.Payment(s.Now, "shared-sig")])));
        AssertLosersFailWith<PaymentReplayException>(outcomes, winners: 1, e => e.Signatures.SequenceEqual(["shared-sig"]));
        for (var i = 0; i < Callers; i++)
            Assert.Equal(outcomes[i].Error is null, await s.A.HasPaymentBeenProcessedAsync($"own-{i}"));
    }

    [Fact]
    public async Task Consuming_one_nonce_from_64_callers_has_exactly_one_winner()
    {
        await using var s = await OpenAsync();
        var nonce = Make.Nonce(s.Now);
        await s.A.CreateNonceAsync(nonce);
        var outcomes = await Races.RunAsync(Callers, i =>
            Done(i % 2 == 0 ? s.A.ConsumeNonceAsync(nonce.Id) : s.A.ConsumeNonceAsync(nonce.Id, nonce.Purpose)));
        AssertLosersFailWith<NonceException>(outcomes, winners: 1, e => e.Reason == NonceFailureReason.AlreadyConsumed);
    }

    [Fact]
    public async Task Creating_one_nonce_id_from_64_callers_succeeds_exactly_once()
    {
        await using var s = await OpenAsync();
        var outcomes = await Races.RunAsync(Callers, i => Done(s.A.CreateNonceAsync(Make.Nonce(s.Now, $"purpose-{i}", "race-nonce"))));
        AssertLosersFailWith<StorageException>(outcomes, winners: 1, e => e.Kind == StorageErrorKind.Conflict);
        var winner = Enumerable.Range(0, Callers).Single(i => outcomes[i].Error is null);
        await s.A.ConsumeNonceAsync("race-nonce", $"purpose-{winner}");
    }

    [Fact]
    public async Task Incrementing_a_coupon_at_its_limit_from_64_callers_succeeds_exactly_limit_times()
    {
        await using var s = await OpenAsync();
        var coupon = Make.Coupon(s.Now) with { UsageLimit = 10 };
        await s.A.Coupons.CreateCouponAsync(coupon);
        var outcomes = await Races.RunAsync(Callers, _ => s.A.Coupons.IncrementUsageAsync(coupon.Code));
        Assert.Equal(10, outcomes.Count(o => o.Error is null));
        Assert.All(outcomes.Where(o => o.Error is not null), o =>
            Assert.Equal(StorageErrorKind.LimitReached, Assert.IsType<StorageException>(o.Error, exactMatch: false).Kind));
        Assert.Equal(Enumerable.Range(1, 10), outcomes.Where(o => o.Error is null).Select(o => o.Result).Order());
        Assert.Equal(10, (await s.A.Coupons.GetCouponAsync(coupon.Code))!.UsageCount);
    }

    [Fact]
    public async Task Storing_one_purchase_under_64_different_order_ids_stores_exactly_one()
    {
        await using var s = await OpenAsync();
        var purchaseId = Make.Id("race-purchase");
        var outcomes = await Races.RunAsync(Callers, i => s.A.TryStoreOrderAsync(Make.Order(s.Now, $"race-order-{i}", purchaseId)));
        Assert.All(outcomes, o => Assert.Null(o.Error));
        Assert.Equal(1, outcomes.Count(o => o.Result));
        var winner = Enumerable.Range(0, Callers).Single(i => outcomes[i].Result);
        Assert.Equal($"race-order-{winner}", (await s.A.GetOrderByPurchaseAsync("x402", purchaseId))!.Id);
        for (var i = 0; i < Callers; i++)
            Assert.Equal(i == winner, await s.A.GetOrderAsync($"race-order-{i}") is not null);
    }

    [Fact]
    public async Task Sixteen_concurrent_dequeuers_claim_every_webhook_exactly_once()
    {
        await using var s = await OpenAsync();
        var ids = new List<string>();
        for (var i = 0; i < 100; i++) ids.Add(await (i % 2 == 0 ? s.A : s.B).EnqueueWebhookAsync(Make.Webhook()));
        var claims = new ConcurrentBag<PendingWebhook>();
        var outcomes = await Races.RunAsync(16, async _ =>
        {
            while (true)
            {
                var batch = await s.Storage.Default.DequeueWebhooksAsync(10);
                if (batch.Count == 0) return true;
                foreach (var webhook in batch) claims.Add(webhook);
            }
        });
        Assert.All(outcomes, o => Assert.Null(o.Error));
        Assert.Equal(100, claims.Count);
        Assert.Equal(ids.Order(), claims.Select(c => c.Id).Order());
        Assert.All(claims, c => Assert.Equal(1, c.Attempts));
        Assert.Equal(100, claims.Select(c => c.ClaimToken).Distinct().Count());
    }

    [Fact]
    public async Task Completing_one_claimed_webhook_from_64_callers_succeeds_exactly_once()
    {
        await using var s = await OpenAsync();
        var id = await s.A.EnqueueWebhookAsync(Make.Webhook());
        var claimed = Assert.Single(await s.A.DequeueWebhooksAsync(1));
        var outcomes = await Races.RunAsync(Callers, i =>
            Done(i % 2 == 0
                ? s.A.MarkWebhookSuccessAsync(id, claimed.ClaimToken!)
                : s.A.MarkWebhookFailedAsync(id, "x", s.Now.AddMinutes(1), claimed.ClaimToken!)));
        AssertLosersFailWith<StorageException>(outcomes, winners: 1, e => e.Kind == StorageErrorKind.Conflict);
        var winner = Enumerable.Range(0, Callers).Single(i => outcomes[i].Error is null);
        Assert.Equal(winner % 2 == 0 ? WebhookStatus.Success : WebhookStatus.Pending, (await s.A.GetWebhookAsync(id))!.Status);
    }

    [Fact]
    public async Task Beginning_one_idempotent_request_from_64_callers_starts_it_exactly_once()
    {
        await using var s = await OpenAsync();
        var outcomes = await Races.RunAsync(Callers, _ => s.A.TryBeginIdempotentRequestAsync("race-key", "fp", TimeSpan.FromMinutes(1)));
        Assert.All(outcomes, o => Assert.Null(o.Error));
        Assert.Equal(1, outcomes.Count(o => o.Result!.Outcome == IdempotencyBeginOutcome.Started));
        Assert.Equal(Callers - 1, outcomes.Count(o => o.Result!.Outcome == IdempotencyBeginOutcome.InProgress));
    }

    [Fact]
    public async Task Beginning_one_refund_payout_from_64_callers_hands_out_exactly_one_token()
    {
        await using var s = await OpenAsync();
        var refund = Make.Refund(s.Now);
        await s.A.SaveRefundQuoteAsync(refund);
        var outcomes = await Races.RunAsync(Callers, i => s.A.TryBeginRefundPayoutAsync(refund.Id, $"worker-{i}", TimeSpan.FromMinutes(5)));
        Assert.All(outcomes, o => Assert.Null(o.Error));
        Assert.Single(outcomes, o => o.Result is not null);
    }

    [Fact]
    public async Task Two_hundred_reservers_against_stock_of_fifty_reserve_exactly_fifty()
    {
        await using var s = await OpenAsync();
        var outcomes = await Races.RunAsync(200, _ => Done(s.A.ReserveInventoryAsync(Make.Reservation(s.Now, "race-product"), 50)));
        Assert.Equal(50, outcomes.Count(o => o.Error is null));
        Assert.All(outcomes.Where(o => o.Error is not null), o =>
            Assert.Equal(StorageErrorKind.LimitReached, Assert.IsType<StorageException>(o.Error, exactMatch: false).Kind));
        Assert.Equal(50, await s.A.GetReservedQuantityAsync("race-product"));
    }

    [Fact]
    public async Task Completing_one_Stripe_session_from_64_callers_returns_true_exactly_once()
    {
        await using var s = await OpenAsync();
        var session = Make.StripeSession(s.Now);
        await s.A.SaveStripeSessionAsync(session);
        var outcomes = await Races.RunAsync(Callers, _ => s.A.CompleteStripeSessionAsync(session.Id, s.Now));
        Assert.All(outcomes, o => Assert.Null(o.Error));
        Assert.Equal(1, outcomes.Count(o => o.Result));
    }

    [Fact]
    public async Task Sixty_four_dequeuers_of_one_webhook_hand_it_to_exactly_one()
    {
        await using var s = await OpenAsync();
        var id = await s.A.EnqueueWebhookAsync(Make.Webhook());
        var outcomes = await Races.RunAsync(Callers, _ => s.Storage.Default.DequeueWebhooksAsync(1));
        Assert.All(outcomes, o => Assert.Null(o.Error));
        Assert.Equal(id, Assert.Single(outcomes.SelectMany(o => o.Result!)).Id);
    }

    [Fact]
    public async Task Sixty_four_callers_marking_one_pending_webhook_processing_count_a_single_attempt()
    {
        await using var s = await OpenAsync();
        var id = await s.A.EnqueueWebhookAsync(Make.Webhook());
        var outcomes = await Races.RunAsync(Callers, _ => s.A.MarkWebhookProcessingAsync(id));
        Assert.All(outcomes, o => Assert.Null(o.Error));
        Assert.Single(outcomes.Select(o => o.Result!.ClaimToken).Distinct());
        Assert.Equal(1, (await s.A.GetWebhookAsync(id))!.Attempts);
    }

    [Fact]
    public async Task Completing_one_idempotent_request_from_64_callers_stores_exactly_one_response()
    {
        await using var s = await OpenAsync();
        var begun = await s.A.TryBeginIdempotentRequestAsync("race-complete", "fp", TimeSpan.FromMinutes(1));
        var outcomes = await Races.RunAsync(Callers, i =>
            Done(s.A.CompleteIdempotentRequestAsync("race-complete", begun.LockToken!, Make.Response(s.Now, 200 + i), TimeSpan.FromHours(1))));
        AssertLosersFailWith<StorageException>(outcomes, winners: 1, e => e.Kind == StorageErrorKind.Conflict);
        var winner = Enumerable.Range(0, Callers).Single(i => outcomes[i].Error is null);
        Assert.Equal(200 + winner, (await s.A.GetIdempotencyKeyAsync("race-complete"))!.StatusCode);
    }

    [Fact]
    public async Task Beginning_one_idempotent_key_after_its_lock_lapsed_restarts_it_exactly_once()
    {
        await using var s = await OpenAsync();
        await s.A.TryBeginIdempotentRequestAsync("race-lapsed", "fp", TimeSpan.FromSeconds(30));
        s.Time.Advance(TimeSpan.FromSeconds(30));
        var outcomes = await Races.RunAsync(Callers, _ => s.A.TryBeginIdempotentRequestAsync("race-lapsed", "fp", TimeSpan.FromSeconds(30)));
        Assert.Equal(1, outcomes.Count(o => o.Result!.Outcome == IdempotencyBeginOutcome.Started));
    }
}
