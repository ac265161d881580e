using Cedros.Storage.Internal;
using Cedros.Storage.Tests.Backends;

namespace Cedros.Storage.Tests.Conformance;

/// <summary>Contract §2: refund quotes and payout claims (single-caller semantics; races live in RaceConformance).</summary>
public abstract class RefundQuoteConformance<TFixture>(TFixture fixture) : ConformanceTest<TFixture>(fixture)
    where TFixture : class, IStorageFixture
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task A_saved_refund_reads_back_field_for_field()
    {
        await using var s = await OpenAsync();
        var refund = Make.Refund(s.Now) with
        {
            Status = RefundStatus.Approved,
            ProcessedBy = "admin-1",
            ProcessedAt = s.Now.AddMinutes(1),
            Signature = "sig-payout",
        };
        await s.A.SaveRefundQuoteAsync(refund);

        Assert.Equivalent(refund with { TenantId = "tenant-a" }, await s.A.GetRefundQuoteAsync(refund.Id), strict: true);
    }

    [Fact]
    public async Task A_refund_saved_without_a_creation_time_is_created_now()
    {
        await using var s = await OpenAsync();
        var refund = Make.Refund(s.Now) with { CreatedAt = default };
        await s.A.SaveRefundQuoteAsync(refund);
        var batch = Make.Refund(s.Now) with { CreatedAt = default };
        await s.A.SaveRefundQuotesAsync([batch]);

        Assert.Equal(s.Now, (await s.A.GetRefundQuoteAsync(refund.Id))!.CreatedAt);
        Assert.Equal(s.Now, (await s.A.GetRefundQuoteAsync(batch.Id))!.CreatedAt);
    }

    [Fact]
    public async Task Optional_fields_round_trip_as_null()
    {
        await using var s = await OpenAsync();
        var refund = Make.Refund(s.Now) with { Token = null, TokenMint = null, Reason = null, Metadata = EmptyMetadata.Instance };
        await s.A.SaveRefundQuoteAsync(refund);

        var read = await s.A.GetRefundQuoteAsync(refund.Id);

        Assert.Equivalent(refund with { TenantId = "tenant-a" }, read, strict: true);
        Assert.Null(read!.ProcessedAt);
        Assert.Empty(read.Metadata);
    }

    [Fact]
    public async Task Getting_a_missing_refund_returns_null()
    {
        await using var s = await OpenAsync();
        Assert.Null(await s.A.GetRefundQuoteAsync("refund-missing"));
    }

    [Fact]
    public async Task Saving_again_replaces_every_field()
    {
        await using var s = await OpenAsync();
        var refund = Make.Refund(s.Now);
        await s.A.SaveRefundQuoteAsync(refund);
        var changed = refund with { Amount = 5, Status = RefundStatus.Denied, Reason = "late", Metadata = Make.Meta(("k", "v")) };

        await s.A.SaveRefundQuoteAsync(changed);

        Assert.Equivalent(changed with { TenantId = "tenant-a" }, await s.A.GetRefundQuoteAsync(refund.Id), strict: true);
    }

    [Fact]
    public async Task An_expired_refund_is_still_returned()
    {
        await using var s = await OpenAsync();
        var refund = Make.Refund(s.Now);
        await s.A.SaveRefundQuoteAsync(refund);

        s.Time.Advance(TimeSpan.FromDays(2));

        var read = await s.A.GetRefundQuoteAsync(refund.Id);
        Assert.NotNull(read);
        Assert.True(read.IsExpired(s.Now));
    }

    [Fact]
    public async Task Instants_are_stored_truncated_to_whole_microseconds()
    {
        await using var s = await OpenAsync();
        var raw = Start.AddTicks(5);
        var refund = Make.Refund(s.Now) with { CreatedAt = raw, ExpiresAt = raw.AddHours(1), ProcessedAt = raw.AddMinutes(1) };
        await s.A.SaveRefundQuoteAsync(refund);

        var read = await s.A.GetRefundQuoteAsync(refund.Id);

        Assert.Equal(StorageTime.Micro(raw), read!.CreatedAt);
        Assert.Equal(StorageTime.Micro(raw.AddHours(1)), read.ExpiresAt);
        Assert.Equal(StorageTime.Micro(raw.AddMinutes(1)), read.ProcessedAt);
    }

    [Fact]
    public async Task Metadata_round_trips_exactly()
    {
        await using var s = await OpenAsync();
        var meta = Make.Meta(("quote\"d", "it's"), ("emoji", "💸"), ("empty", ""), ("nested", "{\"x\":{\"y\":null}}"));
        var refund = Make.Refund(s.Now) with { Metadata = meta };
        await s.A.SaveRefundQuoteAsync(refund);

        Assert.Equivalent(meta, (await s.A.GetRefundQuoteAsync(refund.Id))!.Metadata, strict: true);
    }

    [Fact]
    public async Task Saving_over_a_processed_refund_fails_with_Conflict_and_changes_nothing()
    {
        await using var s = await OpenAsync();
        var refund = Make.Refund(s.Now);
        await s.A.SaveRefundQuoteAsync(refund);
        await s.A.MarkRefundProcessedAsync(refund.Id, "admin-1", "sig-payout");

        await ExpectKind.Conflict(() => s.A.SaveRefundQuoteAsync(refund with { Status = RefundStatus.Pending, Amount = 999 }));

        var read = await s.A.GetRefundQuoteAsync(refund.Id);
        Assert.Equal((RefundStatus.Processed, refund.Amount, "sig-payout"), (read!.Status, read.Amount, read.Signature));
    }

    [Theory]
    [InlineData("no purchase")]
    [InlineData("no recipient")]
    [InlineData("negative amount")]
    [InlineData("negative decimals")]
    [InlineData("unknown status")]
    [InlineData("reason too long")]
    public async Task An_invalid_refund_fails_with_Validation_and_writes_nothing(string problem)
    {
        await using var s = await OpenAsync();
        var refund = Make.Refund(s.Now);
        var bad = problem switch
        {
            "no purchase" => refund with { OriginalPurchaseId = "" },
            "no recipient" => refund with { RecipientWallet = " " },
            "negative amount" => refund with { Amount = -1 },
            "negative decimals" => refund with { TokenDecimals = -1 },
            "unknown status" => refund with { Status = (RefundStatus)42 },
            _ => refund with { Reason = new string('r', 4097) },
        };

        await ExpectKind.Validation(() => s.A.SaveRefundQuoteAsync(bad));

        Assert.Null(await s.A.GetRefundQuoteAsync(refund.Id));
    }

    [Fact]
    public async Task The_latest_refund_of_a_purchase_is_the_most_recently_created()
    {
        await using var s = await OpenAsync();
        var purchase = Make.Id("purchase");
        var older = Make.Refund(s.Now, id: "refund-b-old", purchaseId: purchase);
        var newer = Make.Refund(s.Now.AddMinutes(5), id: "refund-a-new", purchaseId: purchase);
        var unrelated = Make.Refund(s.Now.AddMinutes(10));
        await s.A.SaveRefundQuotesAsync([newer, older, unrelated]);

        Assert.Equal(newer.Id, (await s.A.GetRefundQuoteByOriginalPurchaseIdAsync(purchase))!.Id);
        Assert.Null(await s.A.GetRefundQuoteByOriginalPurchaseIdAsync("purchase-none"));
    }

    [Fact]
    public async Task Refunds_created_at_the_same_instant_tie_break_on_the_highest_id()
    {
        await using var s = await OpenAsync();
        var purchase = Make.Id("purchase");
        await s.A.SaveRefundQuotesAsync([
            Make.Refund(s.Now, id: "refund-2", purchaseId: purchase),
            Make.Refund(s.Now, id: "refund-3", purchaseId: purchase),
            Make.Refund(s.Now, id: "refund-1", purchaseId: purchase),
        ]);

        Assert.Equal("refund-3", (await s.A.GetRefundQuoteByOriginalPurchaseIdAsync(purchase))!.Id);
        Assert.Equal(["refund-3", "refund-2", "refund-1"], (await s.A.ListRefundsForPurchaseAsync(purchase)).Select(r => r.Id));
    }

    [Fact]
    public async Task All_refunds_of_a_purchase_are_listed_newest_first()
    {
        await using var s = await OpenAsync();
        var purchase = Make.Id("purchase");
        var first = Make.Refund(s.Now, purchaseId: purchase) with { Amount = 100 };
        var second = Make.Refund(s.Now.AddMinutes(1), purchaseId: purchase) with { Amount = 200 };
        var third = Make.Refund(s.Now.AddMinutes(2), purchaseId: purchase) with { Amount = 300 };
        await s.A.SaveRefundQuotesAsync([second, third, first, Make.Refund(s.Now)]);

        var list = await s.A.ListRefundsForPurchaseAsync(purchase);

        Assert.Equal([third.Id, second.Id, first.Id], list.Select(r => r.Id));
        Assert.Equal(600, list.Sum(r => r.Amount));
        Assert.Empty(await s.A.ListRefundsForPurchaseAsync("purchase-none"));
    }

    [Fact]
    public async Task Pending_refunds_are_listed_oldest_first()
    {
        await using var s = await OpenAsync();
        var late = Make.Refund(s.Now.AddMinutes(3), id: "refund-late");
        var tieB = Make.Refund(s.Now, id: "refund-tie-b");
        var tieA = Make.Refund(s.Now, id: "refund-tie-a");
        var approved = Make.Refund(s.Now.AddMinutes(-1)) with { Status = RefundStatus.Approved };
        var denied = Make.Refund(s.Now.AddMinutes(-1)) with { Status = RefundStatus.Denied };
        var expiredPending = Make.Refund(s.Now.AddDays(-3)) with { ExpiresAt = s.Now.AddDays(-2) };
        await s.A.SaveRefundQuotesAsync([late, tieB, approved, tieA, denied, expiredPending]);
        var processed = Make.Refund(s.Now.AddMinutes(-2));
        await s.A.SaveRefundQuoteAsync(processed);
        await s.A.MarkRefundProcessedAsync(processed.Id, "admin-1", "sig-1");

        var pending = await s.A.ListPendingRefundsAsync();

        Assert.Equal([expiredPending.Id, "refund-tie-a", "refund-tie-b", "refund-late"], pending.Select(r => r.Id));
    }

    [Theory]
    [InlineData(RefundStatus.Pending)]
    [InlineData(RefundStatus.Approved)]
    public async Task A_pending_or_approved_refund_can_be_claimed_for_payout(RefundStatus status)
    {
        await using var s = await OpenAsync();
        var refund = Make.Refund(s.Now) with { Status = status };
        await s.A.SaveRefundQuoteAsync(refund);

        var token = await s.A.TryBeginRefundPayoutAsync(refund.Id, "worker-1", Lease);

        Assert.False(string.IsNullOrEmpty(token));
        Assert.Equal(status, (await s.A.GetRefundQuoteAsync(refund.Id))!.Status);
    }

    [Fact]
    public async Task A_second_claim_while_the_lease_is_live_gets_null()
    {
        await using var s = await OpenAsync();
        var refund = Make.Refund(s.Now);
        await s.A.SaveRefundQuoteAsync(refund);
        Assert.NotNull(await s.A.TryBeginRefundPayoutAsync(refund.Id, "worker-1", Lease));

        Assert.Null(await s.A.TryBeginRefundPayoutAsync(refund.Id, "worker-2", Lease));
        Assert.Null(await s.A.TryBeginRefundPayoutAsync(refund.Id, "worker-1", Lease));
    }

    [Fact]
    public async Task A_claim_whose_lease_ran_out_can_be_taken_exactly_at_the_lease_end()
    {
        await using var s = await OpenAsync();
        var refund = Make.Refund(s.Now);
        await s.A.SaveRefundQuoteAsync(refund);
        var first = await s.A.TryBeginRefundPayoutAsync(refund.Id, "worker-1", Lease);

        s.Time.Advance(Lease - TimeSpan.FromMicroseconds(1));
        Assert.Null(await s.A.TryBeginRefundPayoutAsync(refund.Id, "worker-2", Lease));

        s.Time.Advance(TimeSpan.FromMicroseconds(1));
        var second = await s.A.TryBeginRefundPayoutAsync(refund.Id, "worker-2", Lease);

        Assert.NotNull(second);
        Assert.NotEqual(first, second);
        Assert.False(await s.A.ReleaseRefundPayoutAsync(refund.Id, first!));
        Assert.Null(await s.A.TryBeginRefundPayoutAsync(refund.Id, "worker-3", Lease));
    }

    [Fact]
    public async Task An_expired_refund_cannot_be_claimed_from_exactly_its_expiry()
    {
        await using var s = await OpenAsync();
        var refund = Make.Refund(s.Now) with { ExpiresAt = s.Now.AddMinutes(10) };
        await s.A.SaveRefundQuoteAsync(refund);

        s.Time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromMicroseconds(1));
        var token = await s.A.TryBeginRefundPayoutAsync(refund.Id, "worker-1", Lease);
        Assert.NotNull(token);
        Assert.True(await s.A.ReleaseRefundPayoutAsync(refund.Id, token));

        s.Time.Advance(TimeSpan.FromMicroseconds(1));
        Assert.Null(await s.A.TryBeginRefundPayoutAsync(refund.Id, "worker-1", Lease));
    }

    [Theory]
    [InlineData(RefundStatus.Denied)]
    [InlineData(RefundStatus.Processed)]
    public async Task A_denied_or_processed_refund_cannot_be_claimed(RefundStatus status)
    {
        await using var s = await OpenAsync();
        var refund = Make.Refund(s.Now) with { Status = status };
        await s.A.SaveRefundQuoteAsync(refund);

        Assert.Null(await s.A.TryBeginRefundPayoutAsync(refund.Id, "worker-1", Lease));
    }

    [Fact]
    public async Task A_refund_cannot_be_claimed_once_it_was_marked_processed()
    {
        await using var s = await OpenAsync();
        var refund = Make.Refund(s.Now);
        await s.A.SaveRefundQuoteAsync(refund);
        await s.A.MarkRefundProcessedAsync(refund.Id, "admin-1", "sig-1");

        s.Time.Advance(Lease * 2);

        Assert.Null(await s.A.TryBeginRefundPayoutAsync(refund.Id, "worker-1", Lease));
    }

    [Fact]
    public async Task Claiming_a_missing_refund_fails_with_NotFound()
    {
        await using var s = await OpenAsync();
        await ExpectKind.NotFound(() => s.A.TryBeginRefundPayoutAsync("refund-missing", "worker-1", Lease));
    }

    [Fact]
    public async Task Claiming_needs_a_processor_and_a_positive_lease()
    {
        await using var s = await OpenAsync();
        var refund = Make.Refund(s.Now);
        await s.A.SaveRefundQuoteAsync(refund);

        await ExpectKind.Validation(() => s.A.TryBeginRefundPayoutAsync(refund.Id, "", Lease));
        await ExpectKind.Validation(() => s.A.TryBeginRefundPayoutAsync(refund.Id, "worker-1", TimeSpan.Zero));
        await ExpectKind.Validation(() => s.A.TryBeginRefundPayoutAsync(refund.Id, "worker-1", TimeSpan.FromSeconds(-1)));

        Assert.NotNull(await s.A.TryBeginRefundPayoutAsync(refund.Id, "worker-1", Lease));
    }

    [Fact]
    public async Task Releasing_a_claim_lets_the_next_caller_claim_at_once()
    {
        await using var s = await OpenAsync();
        var refund = Make.Refund(s.Now);
        await s.A.SaveRefundQuoteAsync(refund);
        var token = await s.A.TryBeginRefundPayoutAsync(refund.Id, "worker-1", Lease);

        Assert.True(await s.A.ReleaseRefundPayoutAsync(refund.Id, token!));

        Assert.NotNull(await s.A.TryBeginRefundPayoutAsync(refund.Id, "worker-2", Lease));
    }

    [Fact]
    public async Task Releasing_with_a_wrong_token_returns_false_and_keeps_the_claim()
    {
        await using var s = await OpenAsync();
        var refund = Make.Refund(s.Now);
        await s.A.SaveRefundQuoteAsync(refund);
        var token = await s.A.TryBeginRefundPayoutAsync(refund.Id, "worker-1", Lease);

        Assert.False(await s.A.ReleaseRefundPayoutAsync(refund.Id, "not-the-token"));

        Assert.Null(await s.A.TryBeginRefundPayoutAsync(refund.Id, "worker-2", Lease));
        Assert.True(await s.A.ReleaseRefundPayoutAsync(refund.Id, token!));
    }

    [Fact]
    public async Task Releasing_twice_returns_false_the_second_time()
    {
        await using var s = await OpenAsync();
        var refund = Make.Refund(s.Now);
        await s.A.SaveRefundQuoteAsync(refund);
        var token = await s.A.TryBeginRefundPayoutAsync(refund.Id, "worker-1", Lease);

        Assert.True(await s.A.ReleaseRefundPayoutAsync(refund.Id, token!));
        Assert.False(await s.A.ReleaseRefundPayoutAsync(refund.Id, token!));
    }

    [Fact]
    public async Task Releasing_without_any_claim_returns_false()
    {
        await using var s = await OpenAsync();
        var refund = Make.Refund(s.Now);
        await s.A.SaveRefundQuoteAsync(refund);

        Assert.False(await s.A.ReleaseRefundPayoutAsync(refund.Id, "token-x"));
        Assert.False(await s.A.ReleaseRefundPayoutAsync("refund-missing", "token-x"));
    }

    [Fact]
    public async Task Marking_processed_records_the_payout()
    {
        await using var s = await OpenAsync();
        var refund = Make.Refund(s.Now) with { Status = RefundStatus.Approved };
        await s.A.SaveRefundQuoteAsync(refund);
        s.Time.Advance(TimeSpan.FromSeconds(30));

        await s.A.MarkRefundProcessedAsync(refund.Id, "admin-1", "sig-payout");

        var read = await s.A.GetRefundQuoteAsync(refund.Id);
        Assert.Equivalent(refund with
        {
            TenantId = "tenant-a",
            Status = RefundStatus.Processed,
            ProcessedBy = "admin-1",
            ProcessedAt = s.Now,
            Signature = "sig-payout",
        }, read, strict: true);
    }

    [Fact]
    public async Task Marking_processed_clears_the_payout_claim()
    {
        await using var s = await OpenAsync();
        var refund = Make.Refund(s.Now);
        await s.A.SaveRefundQuoteAsync(refund);
        var token = await s.A.TryBeginRefundPayoutAsync(refund.Id, "worker-1", Lease);

        await s.A.MarkRefundProcessedAsync(refund.Id, "worker-1", "sig-payout");

        Assert.False(await s.A.ReleaseRefundPayoutAsync(refund.Id, token!));
        Assert.Equal(RefundStatus.Processed, (await s.A.GetRefundQuoteAsync(refund.Id))!.Status);
    }

    [Fact]
    public async Task Marking_a_missing_refund_processed_fails_with_NotFound()
    {
        await using var s = await OpenAsync();
        await ExpectKind.NotFound(() => s.A.MarkRefundProcessedAsync("refund-missing", "admin-1", "sig-1"));
        Assert.Null(await s.A.GetRefundQuoteAsync("refund-missing"));
    }

    [Fact]
    public async Task Marking_processed_twice_fails_with_Conflict_and_keeps_the_first_payout()
    {
        await using var s = await OpenAsync();
        var refund = Make.Refund(s.Now);
        await s.A.SaveRefundQuoteAsync(refund);
        await s.A.MarkRefundProcessedAsync(refund.Id, "admin-1", "sig-first");
        var first = await s.A.GetRefundQuoteAsync(refund.Id);
        s.Time.Advance(TimeSpan.FromMinutes(1));

        await ExpectKind.Conflict(() => s.A.MarkRefundProcessedAsync(refund.Id, "admin-2", "sig-second"));

        Assert.Equivalent(first, await s.A.GetRefundQuoteAsync(refund.Id), strict: true);
    }

    [Fact]
    public async Task Marking_a_denied_refund_processed_fails_with_Conflict()
    {
        await using var s = await OpenAsync();
        var refund = Make.Refund(s.Now) with { Status = RefundStatus.Denied };
        await s.A.SaveRefundQuoteAsync(refund);

        await ExpectKind.Conflict(() => s.A.MarkRefundProcessedAsync(refund.Id, "admin-1", "sig-1"));

        var read = await s.A.GetRefundQuoteAsync(refund.Id);
        Assert.Equal(RefundStatus.Denied, read!.Status);
        Assert.Null(read.Signature);
    }

    [Fact]
    public async Task Expiry_does_not_block_recording_a_payout()
    {
        await using var s = await OpenAsync();
        var refund = Make.Refund(s.Now);
        await s.A.SaveRefundQuoteAsync(refund);
        s.Time.Advance(TimeSpan.FromDays(3));

        await s.A.MarkRefundProcessedAsync(refund.Id, "admin-1", "sig-late");

        Assert.Equal(RefundStatus.Processed, (await s.A.GetRefundQuoteAsync(refund.Id))!.Status);
    }

    [Theory]
    [InlineData("", "sig-1")]
    [InlineData("admin-1", "")]
    [InlineData(null, "sig-1")]
    [InlineData("admin-1", null)]
    public async Task Marking_processed_needs_both_processor_and_signature(string? processedBy, string? signature)
    {
        await using var s = await OpenAsync();
        var refund = Make.Refund(s.Now);
        await s.A.SaveRefundQuoteAsync(refund);

        await ExpectKind.Validation(() => s.A.MarkRefundProcessedAsync(refund.Id, processedBy!, signature!));

        Assert.Equal(RefundStatus.Pending, (await s.A.GetRefundQuoteAsync(refund.Id))!.Status);
    }

    [Fact]
    public async Task Deleting_a_refund_removes_it()
    {
        await using var s = await OpenAsync();
        var refund = Make.Refund(s.Now);
        await s.A.SaveRefundQuoteAsync(refund);

        await s.A.DeleteRefundQuoteAsync(refund.Id);

        Assert.Null(await s.A.GetRefundQuoteAsync(refund.Id));
        await ExpectKind.NotFound(() => s.A.DeleteRefundQuoteAsync(refund.Id));
    }

    [Fact]
    public async Task Deleting_a_missing_refund_fails_with_NotFound()
    {
        await using var s = await OpenAsync();
        await ExpectKind.NotFound(() => s.A.DeleteRefundQuoteAsync("refund-missing"));
    }

    [Fact]
    public async Task Deleting_a_processed_refund_fails_with_Conflict_and_keeps_it()
    {
        await using var s = await OpenAsync();
        var refund = Make.Refund(s.Now);
        await s.A.SaveRefundQuoteAsync(refund);
        await s.A.MarkRefundProcessedAsync(refund.Id, "admin-1", "sig-1");

        await ExpectKind.Conflict(() => s.A.DeleteRefundQuoteAsync(refund.Id));

        Assert.NotNull(await s.A.GetRefundQuoteAsync(refund.Id));
    }

    [Fact]
    public async Task Deleting_a_refund_drops_its_payout_claim()
    {
        await using var s = await OpenAsync();
        var refund = Make.Refund(s.Now);
        await s.A.SaveRefundQuoteAsync(refund);
        var token = await s.A.TryBeginRefundPayoutAsync(refund.Id, "worker-1", Lease);

        await s.A.DeleteRefundQuoteAsync(refund.Id);
        await s.A.SaveRefundQuoteAsync(refund);

        Assert.False(await s.A.ReleaseRefundPayoutAsync(refund.Id, token!));
        Assert.NotNull(await s.A.TryBeginRefundPayoutAsync(refund.Id, "worker-2", Lease));
    }

    [Fact]
    public async Task A_batch_saves_every_refund()
    {
        await using var s = await OpenAsync();
        var refunds = Enumerable.Range(0, 4).Select(_ => Make.Refund(s.Now)).ToArray();

        await s.A.SaveRefundQuotesAsync(refunds);

        foreach (var r in refunds) Assert.Equivalent(r with { TenantId = "tenant-a" }, await s.A.GetRefundQuoteAsync(r.Id), strict: true);
    }

    [Fact]
    public async Task A_batch_with_one_invalid_refund_writes_none_and_names_the_item()
    {
        await using var s = await OpenAsync();
        var good = Make.Refund(s.Now);
        var bad = Make.Refund(s.Now) with { Amount = -1 };

        var ex = await ExpectKind.Validation(() => s.A.SaveRefundQuotesAsync([good, good with { Id = Make.Id("refund") }, bad]));

        Assert.Equal(2, Assert.IsType<StorageValidationException>(ex).ItemIndex);
        Assert.Null(await s.A.GetRefundQuoteAsync(good.Id));
    }

    [Fact]
    public async Task A_batch_with_a_repeated_id_fails_with_Validation_and_writes_none()
    {
        await using var s = await OpenAsync();
        var refund = Make.Refund(s.Now);
        var other = Make.Refund(s.Now);

        await ExpectKind.Validation(() => s.A.SaveRefundQuotesAsync([refund, other, refund]));

        Assert.Null(await s.A.GetRefundQuoteAsync(refund.Id));
        Assert.Null(await s.A.GetRefundQuoteAsync(other.Id));
    }

    [Fact]
    public async Task A_batch_touching_a_processed_refund_fails_with_Conflict_and_writes_none()
    {
        await using var s = await OpenAsync();
        var processed = Make.Refund(s.Now);
        await s.A.SaveRefundQuoteAsync(processed);
        await s.A.MarkRefundProcessedAsync(processed.Id, "admin-1", "sig-1");
        var fresh = Make.Refund(s.Now);

        await ExpectKind.Conflict(() => s.A.SaveRefundQuotesAsync([fresh, processed with { Amount = 1 }]));

        Assert.Null(await s.A.GetRefundQuoteAsync(fresh.Id));
        Assert.Equal(processed.Amount, (await s.A.GetRefundQuoteAsync(processed.Id))!.Amount);
    }

    [Fact]
    public async Task Another_tenant_cannot_see_a_refund_in_any_read()
    {
        await using var s = await OpenAsync();
        var refund = Make.Refund(s.Now);
        await s.A.SaveRefundQuoteAsync(refund);

        Assert.Null(await s.B.GetRefundQuoteAsync(refund.Id));
        Assert.Null(await s.B.GetRefundQuoteByOriginalPurchaseIdAsync(refund.OriginalPurchaseId));
        Assert.Empty(await s.B.ListRefundsForPurchaseAsync(refund.OriginalPurchaseId));
        Assert.Empty(await s.B.ListPendingRefundsAsync());
        Assert.Single(await s.A.ListPendingRefundsAsync());
    }

    [Fact]
    public async Task Another_tenant_cannot_claim_process_release_or_delete_a_refund()
    {
        await using var s = await OpenAsync();
        var refund = Make.Refund(s.Now);
        await s.A.SaveRefundQuoteAsync(refund);
        var token = await s.A.TryBeginRefundPayoutAsync(refund.Id, "worker-a", Lease);

        await ExpectKind.NotFound(() => s.B.TryBeginRefundPayoutAsync(refund.Id, "worker-b", Lease));
        Assert.False(await s.B.ReleaseRefundPayoutAsync(refund.Id, token!));
        await ExpectKind.NotFound(() => s.B.MarkRefundProcessedAsync(refund.Id, "admin-b", "sig-b"));
        await ExpectKind.NotFound(() => s.B.DeleteRefundQuoteAsync(refund.Id));

        var read = await s.A.GetRefundQuoteAsync(refund.Id);
        Assert.Equal(RefundStatus.Pending, read!.Status);
        Assert.Null(await s.A.TryBeginRefundPayoutAsync(refund.Id, "worker-a2", Lease));
        Assert.True(await s.A.ReleaseRefundPayoutAsync(refund.Id, token!));
    }

    [Fact]
    public async Task The_same_refund_id_lives_independently_in_two_tenants()
    {
        await using var s = await OpenAsync();
        var refund = Make.Refund(s.Now);
        await s.A.SaveRefundQuoteAsync(refund);
        await s.B.SaveRefundQuoteAsync(refund with { Amount = 7 });

        var tokenA = await s.A.TryBeginRefundPayoutAsync(refund.Id, "worker-a", Lease);
        var tokenB = await s.B.TryBeginRefundPayoutAsync(refund.Id, "worker-b", Lease);
        Assert.NotNull(tokenA);
        Assert.NotNull(tokenB);

        await s.A.MarkRefundProcessedAsync(refund.Id, "admin-a", "sig-a");
        Assert.True(await s.B.ReleaseRefundPayoutAsync(refund.Id, tokenB));
        await s.B.DeleteRefundQuoteAsync(refund.Id);

        Assert.Equal(RefundStatus.Processed, (await s.A.GetRefundQuoteAsync(refund.Id))!.Status);
        Assert.Null(await s.B.GetRefundQuoteAsync(refund.Id));
    }

    [Fact]
    public async Task A_refund_claiming_another_tenant_is_stored_under_the_handles_tenant()
    {
        await using var s = await OpenAsync();
        var refund = Make.Refund(s.Now) with { TenantId = "tenant-b" };
        var batched = Make.Refund(s.Now) with { TenantId = "tenant-b" };

        await s.A.SaveRefundQuoteAsync(refund);
        await s.A.SaveRefundQuotesAsync([batched]);

        Assert.Equal("tenant-a", (await s.A.GetRefundQuoteAsync(refund.Id))!.TenantId);
        Assert.Equal("tenant-a", (await s.A.GetRefundQuoteAsync(batched.Id))!.TenantId);
        Assert.Null(await s.B.GetRefundQuoteAsync(refund.Id));
        Assert.Null(await s.B.GetRefundQuoteAsync(batched.Id));
    }

    [Fact]
    public async Task Saving_a_refund_keeps_a_live_payout_claim()
    {
        await using var s = await OpenAsync();
        var refund = Make.Refund(s.Now);
        await s.A.SaveRefundQuoteAsync(refund);
        var token = await s.A.TryBeginRefundPayoutAsync(refund.Id, "worker-1", Lease);

        await s.A.SaveRefundQuoteAsync(refund with { Status = RefundStatus.Approved });

        Assert.Null(await s.A.TryBeginRefundPayoutAsync(refund.Id, "worker-2", Lease));
        Assert.True(await s.A.ReleaseRefundPayoutAsync(refund.Id, token!));
    }

    [Fact]
    public async Task A_claim_holder_whose_lease_ran_out_can_still_release_if_nobody_took_over()
    {
        await using var s = await OpenAsync();
        var refund = Make.Refund(s.Now);
        await s.A.SaveRefundQuoteAsync(refund);
        var token = await s.A.TryBeginRefundPayoutAsync(refund.Id, "worker-1", Lease);
        s.Time.Advance(Lease * 3);

        Assert.True(await s.A.ReleaseRefundPayoutAsync(refund.Id, token!));
    }
}
