using Cedros.Storage.Internal;
using Cedros.Storage.Tests.Backends;

namespace Cedros.Storage.Tests.Conformance;

/// <summary>Contract §10: the subscription repository.</summary>
public abstract class SubscriptionConformance<TFixture>(TFixture fixture) : ConformanceTest<TFixture>(fixture)
    where TFixture : class, IStorageFixture
{
    [Fact]
    public async Task A_created_subscription_reads_back_field_for_field()
    {
        await using var s = await OpenAsync();
        var sub = Make.Subscription(s.Now) with
        {
            StripeCustomerId = "cus_1",
            StripeSubscriptionId = "sub_stripe_1",
            PaymentMethod = "stripe",
            Status = SubscriptionStatus.Trialing,
            TrialEnd = s.Now.AddDays(7),
            CancelAtPeriodEnd = true,
        };
        await s.A.Subscriptions.CreateAsync(sub);

        Assert.Equivalent(sub with { TenantId = "tenant-a" }, await s.A.Subscriptions.GetAsync(sub.Id), strict: true);
    }

    [Fact]
    public async Task Optional_fields_round_trip_as_null()
    {
        await using var s = await OpenAsync();
        var sub = Make.Subscription(s.Now) with { Wallet = null, StripeCustomerId = null, StripeSubscriptionId = null, Metadata = EmptyMetadata.Instance };
        await s.A.Subscriptions.CreateAsync(sub);

        var read = await s.A.Subscriptions.GetAsync(sub.Id);

        Assert.Equivalent(sub with { TenantId = "tenant-a" }, read, strict: true);
        Assert.Null(read!.TrialEnd);
        Assert.Null(read.CancelledAt);
    }

    [Fact]
    public async Task Instants_are_stored_truncated_to_whole_microseconds()
    {
        await using var s = await OpenAsync();
        var raw = Start.AddTicks(8);
        var sub = Make.Subscription(s.Now) with
        {
            CurrentPeriodStart = raw,
            CurrentPeriodEnd = raw.AddDays(30),
            TrialEnd = raw.AddDays(7),
            CreatedAt = raw,
            UpdatedAt = raw,
        };
        await s.A.Subscriptions.CreateAsync(sub);

        var read = await s.A.Subscriptions.GetAsync(sub.Id);

        Assert.Equal(StorageTime.Micro(raw), read!.CurrentPeriodStart);
        Assert.Equal(StorageTime.Micro(raw.AddDays(30)), read.CurrentPeriodEnd);
        Assert.Equal(StorageTime.Micro(raw.AddDays(7)), read.TrialEnd);
        Assert.Equal(StorageTime.Micro(raw), read.CreatedAt);
    }

    [Fact]
    public async Task Metadata_round_trips_exactly()
    {
        await using var s = await OpenAsync();
        var meta = Make.Meta(("plan", "{\"seats\":5}"), ("quote", "\"'"), ("emoji", "🔁"), ("empty", ""));
        var sub = Make.Subscription(s.Now) with { Metadata = meta };
        await s.A.Subscriptions.CreateAsync(sub);

        Assert.Equivalent(meta, (await s.A.Subscriptions.GetAsync(sub.Id))!.Metadata, strict: true);
    }

    [Fact]
    public async Task Creation_and_update_times_default_to_now()
    {
        await using var s = await OpenAsync();
        var sub = Make.Subscription(s.Now) with { CreatedAt = default, UpdatedAt = default };
        await s.A.Subscriptions.CreateAsync(sub);

        var read = await s.A.Subscriptions.GetAsync(sub.Id);

        Assert.Equal((s.Now, s.Now), (read!.CreatedAt, read.UpdatedAt));
    }

    [Fact]
    public async Task Getting_a_missing_subscription_returns_null()
    {
        await using var s = await OpenAsync();
        Assert.Null(await s.A.Subscriptions.GetAsync("sub-missing"));
        Assert.Null(await s.A.Subscriptions.GetByStripeSubscriptionIdAsync("sub_stripe_missing"));
        Assert.Empty(await s.A.Subscriptions.GetByStripeCustomerIdAsync("cus_missing"));
    }

    [Fact]
    public async Task Creating_a_duplicate_id_fails_with_Conflict_and_keeps_the_original()
    {
        await using var s = await OpenAsync();
        var sub = Make.Subscription(s.Now);
        await s.A.Subscriptions.CreateAsync(sub);

        var ex = await ExpectKind.Conflict(() => s.A.Subscriptions.CreateAsync(sub with { ProductId = "prod-2" }));
        Assert.Equal($"subscription '{sub.Id}' already exists.", ex.Message);

        Assert.Equal("prod-1", (await s.A.Subscriptions.GetAsync(sub.Id))!.ProductId);
    }

    [Fact]
    public async Task Creating_a_duplicate_stripe_subscription_id_fails_with_Conflict_and_writes_nothing()
    {
        await using var s = await OpenAsync();
        var first = Make.Subscription(s.Now) with { StripeSubscriptionId = "sub_stripe_1" };
        await s.A.Subscriptions.CreateAsync(first);
        var second = Make.Subscription(s.Now) with { StripeSubscriptionId = "sub_stripe_1" };

        var ex = await ExpectKind.Conflict(() => s.A.Subscriptions.CreateAsync(second));
        Assert.Equal("stripe subscription 'sub_stripe_1' already belongs to another subscription.", ex.Message);

        Assert.Null(await s.A.Subscriptions.GetAsync(second.Id));
        Assert.Equal(first.Id, (await s.A.Subscriptions.GetByStripeSubscriptionIdAsync("sub_stripe_1"))!.Id);
    }

    [Fact]
    public async Task Subscriptions_without_a_stripe_subscription_id_do_not_conflict()
    {
        await using var s = await OpenAsync();
        await s.A.Subscriptions.CreateAsync(Make.Subscription(s.Now) with { StripeSubscriptionId = null });
        await s.A.Subscriptions.CreateAsync(Make.Subscription(s.Now) with { StripeSubscriptionId = null });
        await s.A.Subscriptions.CreateAsync(Make.Subscription(s.Now) with { StripeSubscriptionId = "" });

        Assert.Equal(3, (await s.A.Subscriptions.ListByProductAsync("prod-1")).Count);
    }

    [Theory]
    [InlineData("end before start")]
    [InlineData("end equals start")]
    [InlineData("zero interval")]
    [InlineData("no product")]
    [InlineData("no billing period")]
    [InlineData("unknown status")]
    public async Task An_invalid_subscription_fails_with_Validation_and_writes_nothing(string problem)
    {
        await using var s = await OpenAsync();
        var sub = Make.Subscription(s.Now);
        var bad = problem switch
        {
            "end before start" => sub with { CurrentPeriodEnd = sub.CurrentPeriodStart.AddDays(-1) },
            "end equals start" => sub with { CurrentPeriodEnd = sub.CurrentPeriodStart },
            "zero interval" => sub with { BillingInterval = 0 },
            "no product" => sub with { ProductId = "" },
            "no billing period" => sub with { BillingPeriod = "" },
            _ => sub with { Status = (SubscriptionStatus)99 },
        };

        await ExpectKind.Validation(() => s.A.Subscriptions.CreateAsync(bad));

        Assert.Null(await s.A.Subscriptions.GetAsync(sub.Id));
    }

    [Fact]
    public async Task Updating_replaces_the_fields_keeps_created_at_and_stamps_updated_at()
    {
        await using var s = await OpenAsync();
        var sub = Make.Subscription(s.Now);
        await s.A.Subscriptions.CreateAsync(sub);
        s.Time.Advance(TimeSpan.FromHours(1));
        var changed = sub with
        {
            Status = SubscriptionStatus.PastDue,
            StripeCustomerId = "cus_9",
            CancelAtPeriodEnd = true,
            Metadata = Make.Meta(("seat", "2")),
            CreatedAt = s.Now.AddYears(-1),
            UpdatedAt = default,
        };

        await s.A.Subscriptions.UpdateAsync(changed);

        Assert.Equivalent(changed with { TenantId = "tenant-a", CreatedAt = sub.CreatedAt, UpdatedAt = s.Now },
            await s.A.Subscriptions.GetAsync(sub.Id), strict: true);
    }

    [Fact]
    public async Task Updating_a_missing_subscription_fails_with_NotFound_and_creates_nothing()
    {
        await using var s = await OpenAsync();
        var sub = Make.Subscription(s.Now);

        await ExpectKind.NotFound(() => s.A.Subscriptions.UpdateAsync(sub));

        Assert.Null(await s.A.Subscriptions.GetAsync(sub.Id));
    }

    [Fact]
    public async Task Updating_onto_another_subscriptions_stripe_id_fails_with_Conflict()
    {
        await using var s = await OpenAsync();
        var first = Make.Subscription(s.Now) with { StripeSubscriptionId = "sub_stripe_1" };
        var second = Make.Subscription(s.Now) with { StripeSubscriptionId = "sub_stripe_2" };
        await s.A.Subscriptions.CreateAsync(first);
        await s.A.Subscriptions.CreateAsync(second);

        await ExpectKind.Conflict(() => s.A.Subscriptions.UpdateAsync(second with { StripeSubscriptionId = "sub_stripe_1" }));
        await s.A.Subscriptions.UpdateAsync(second with { Status = SubscriptionStatus.PastDue });

        Assert.Equal("sub_stripe_2", (await s.A.Subscriptions.GetAsync(second.Id))!.StripeSubscriptionId);
        Assert.Equal(second.Id, (await s.A.Subscriptions.GetByStripeSubscriptionIdAsync("sub_stripe_2"))!.Id);
    }

    [Fact]
    public async Task Deleting_cancels_the_subscription_at_now_and_keeps_the_row()
    {
        await using var s = await OpenAsync();
        var sub = Make.Subscription(s.Now);
        await s.A.Subscriptions.CreateAsync(sub);
        s.Time.Advance(TimeSpan.FromMinutes(7));

        await s.A.Subscriptions.DeleteAsync(sub.Id);

        var read = await s.A.Subscriptions.GetAsync(sub.Id);
        Assert.Equal((SubscriptionStatus.Cancelled, s.Now), (read!.Status, read.CancelledAt));
        Assert.Null(await s.A.Subscriptions.GetByWalletAsync(sub.Wallet!, sub.ProductId));
    }

    [Fact]
    public async Task Deleting_a_missing_subscription_fails_with_NotFound()
    {
        await using var s = await OpenAsync();
        await ExpectKind.NotFound(() => s.A.Subscriptions.DeleteAsync("sub-missing"));
    }

    [Theory]
    [InlineData(SubscriptionStatus.Active)]
    [InlineData(SubscriptionStatus.Trialing)]
    [InlineData(SubscriptionStatus.PastDue)]
    public async Task A_live_subscription_covering_now_is_found_by_wallet(SubscriptionStatus status)
    {
        await using var s = await OpenAsync();
        var sub = Make.Subscription(s.Now) with { Status = status };
        await s.A.Subscriptions.CreateAsync(sub);

        Assert.Equal(sub.Id, (await s.A.Subscriptions.GetByWalletAsync("WalletSub111", "prod-1"))!.Id);
    }

    [Theory]
    [InlineData(SubscriptionStatus.Cancelled)]
    [InlineData(SubscriptionStatus.Expired)]
    public async Task A_cancelled_or_expired_subscription_is_not_found_by_wallet(SubscriptionStatus status)
    {
        await using var s = await OpenAsync();
        await s.A.Subscriptions.CreateAsync(Make.Subscription(s.Now) with { Status = status });

        Assert.Null(await s.A.Subscriptions.GetByWalletAsync("WalletSub111", "prod-1"));
    }

    [Fact]
    public async Task A_subscription_is_found_by_wallet_from_exactly_its_period_start()
    {
        await using var s = await OpenAsync();
        var sub = Make.Subscription(s.Now) with { CurrentPeriodStart = s.Now.AddMinutes(1), CurrentPeriodEnd = s.Now.AddDays(30) };
        await s.A.Subscriptions.CreateAsync(sub);

        s.Time.Advance(TimeSpan.FromMinutes(1) - TimeSpan.FromMicroseconds(1));
        Assert.Null(await s.A.Subscriptions.GetByWalletAsync("WalletSub111", "prod-1"));

        s.Time.Advance(TimeSpan.FromMicroseconds(1));
        Assert.Equal(sub.Id, (await s.A.Subscriptions.GetByWalletAsync("WalletSub111", "prod-1"))!.Id);
    }

    [Fact]
    public async Task A_subscription_is_not_found_by_wallet_from_exactly_its_period_end()
    {
        await using var s = await OpenAsync();
        var sub = Make.Subscription(s.Now) with { CurrentPeriodStart = s.Now.AddDays(-30), CurrentPeriodEnd = s.Now.AddMinutes(1) };
        await s.A.Subscriptions.CreateAsync(sub);

        s.Time.Advance(TimeSpan.FromMinutes(1) - TimeSpan.FromMicroseconds(1));
        Assert.Equal(sub.Id, (await s.A.Subscriptions.GetByWalletAsync("WalletSub111", "prod-1"))!.Id);

        s.Time.Advance(TimeSpan.FromMicroseconds(1));
        Assert.Null(await s.A.Subscriptions.GetByWalletAsync("WalletSub111", "prod-1"));
    }

    [Fact]
    public async Task Finding_by_wallet_matches_the_wallet_and_product_exactly()
    {
        await using var s = await OpenAsync();
        await s.A.Subscriptions.CreateAsync(Make.Subscription(s.Now, productId: "prod-1", wallet: "WalletSub111"));

        Assert.Null(await s.A.Subscriptions.GetByWalletAsync("WalletSub111", "prod-2"));
        Assert.Null(await s.A.Subscriptions.GetByWalletAsync("walletsub111", "prod-1"));
        Assert.Null(await s.A.Subscriptions.GetByWalletAsync("WalletOther", "prod-1"));
    }

    [Fact]
    public async Task Finding_by_wallet_returns_the_newest_matching_subscription()
    {
        await using var s = await OpenAsync();
        var older = Make.Subscription(s.Now.AddDays(-2));
        var newer = Make.Subscription(s.Now.AddDays(-1)) with { Status = SubscriptionStatus.Trialing };
        var newestButCancelled = Make.Subscription(s.Now) with { Status = SubscriptionStatus.Cancelled };
        foreach (var x in new[] { newer, newestButCancelled, older }) await s.A.Subscriptions.CreateAsync(x);

        Assert.Equal(newer.Id, (await s.A.Subscriptions.GetByWalletAsync("WalletSub111", "prod-1"))!.Id);
    }

    [Fact]
    public async Task A_subscription_is_found_by_its_stripe_subscription_id()
    {
        await using var s = await OpenAsync();
        var sub = Make.Subscription(s.Now) with { StripeSubscriptionId = "sub_stripe_1" };
        await s.A.Subscriptions.CreateAsync(sub);
        await s.A.Subscriptions.CreateAsync(Make.Subscription(s.Now) with { StripeSubscriptionId = "sub_stripe_2" });

        Assert.Equal(sub.Id, (await s.A.Subscriptions.GetByStripeSubscriptionIdAsync("sub_stripe_1"))!.Id);
        Assert.Null(await s.A.Subscriptions.GetByStripeSubscriptionIdAsync("SUB_STRIPE_1"));
    }

    [Fact]
    public async Task A_stripe_customers_subscriptions_are_listed_newest_first()
    {
        await using var s = await OpenAsync();
        var a = Make.Subscription(s.Now.AddDays(-3), id: "sub-a") with { StripeCustomerId = "cus_1" };
        var b = Make.Subscription(s.Now.AddDays(-1), id: "sub-b") with { StripeCustomerId = "cus_1", Status = SubscriptionStatus.Cancelled };
        var c = Make.Subscription(s.Now.AddDays(-1), id: "sub-c") with { StripeCustomerId = "cus_1" };
        var other = Make.Subscription(s.Now) with { StripeCustomerId = "cus_2" };
        foreach (var x in new[] { a, other, c, b }) await s.A.Subscriptions.CreateAsync(x);

        Assert.Equal(["sub-c", "sub-b", "sub-a"], (await s.A.Subscriptions.GetByStripeCustomerIdAsync("cus_1")).Select(x => x.Id));
    }

    [Fact]
    public async Task A_products_subscriptions_are_listed_newest_first_whatever_their_status()
    {
        await using var s = await OpenAsync();
        var a = Make.Subscription(s.Now.AddDays(-2), productId: "prod-7");
        var b = Make.Subscription(s.Now.AddDays(-1), productId: "prod-7") with { Status = SubscriptionStatus.Expired };
        var c = Make.Subscription(s.Now, productId: "prod-7") with { Status = SubscriptionStatus.Cancelled };
        foreach (var x in new[] { b, Make.Subscription(s.Now, productId: "prod-8"), a, c }) await s.A.Subscriptions.CreateAsync(x);

        Assert.Equal([c.Id, b.Id, a.Id], (await s.A.Subscriptions.ListByProductAsync("prod-7")).Select(x => x.Id));
        Assert.Empty(await s.A.Subscriptions.ListByProductAsync("prod-none"));
    }

    [Fact]
    public async Task Active_subscriptions_are_the_live_ones_newest_first_optionally_for_one_product()
    {
        await using var s = await OpenAsync();
        var active = Make.Subscription(s.Now.AddDays(-3), productId: "prod-1");
        var trialing = Make.Subscription(s.Now.AddDays(-2), productId: "prod-2") with { Status = SubscriptionStatus.Trialing };
        var pastDue = Make.Subscription(s.Now.AddDays(-1), productId: "prod-1") with { Status = SubscriptionStatus.PastDue };
        var cancelled = Make.Subscription(s.Now, productId: "prod-1") with { Status = SubscriptionStatus.Cancelled };
        var expired = Make.Subscription(s.Now, productId: "prod-1") with { Status = SubscriptionStatus.Expired };
        foreach (var x in new[] { cancelled, active, expired, pastDue, trialing }) await s.A.Subscriptions.CreateAsync(x);

        Assert.Equal([pastDue.Id, trialing.Id, active.Id], (await s.A.Subscriptions.ListActiveAsync()).Select(x => x.Id));
        Assert.Equal([pastDue.Id, active.Id], (await s.A.Subscriptions.ListActiveAsync("prod-1")).Select(x => x.Id));
        Assert.Empty(await s.A.Subscriptions.ListActiveAsync("prod-none"));
    }

    [Fact]
    public async Task Expiring_subscriptions_are_live_ones_ending_strictly_before_the_cutoff_soonest_first()
    {
        await using var s = await OpenAsync();
        var cutoff = s.Now.AddDays(3);
        Subscription Ending(DateTimeOffset end, SubscriptionStatus status = SubscriptionStatus.Active) =>
            Make.Subscription(s.Now) with { CurrentPeriodStart = end.AddDays(-30), CurrentPeriodEnd = end, Status = status };
        var soon = Ending(s.Now.AddDays(1));
        var sooner = Ending(s.Now.AddHours(1), SubscriptionStatus.PastDue);
        var justBefore = Ending(cutoff.AddMicroseconds(-1), SubscriptionStatus.Trialing);
        var atCutoff = Ending(cutoff);
        var later = Ending(s.Now.AddDays(10));
        var cancelled = Ending(s.Now.AddHours(2), SubscriptionStatus.Cancelled);
        var lapsed = Ending(s.Now.AddDays(-5));
        foreach (var x in new[] { soon, sooner, justBefore, atCutoff, later, cancelled, lapsed }) await s.A.Subscriptions.CreateAsync(x);

        var expiring = await s.A.Subscriptions.ListExpiringAsync(cutoff);

        Assert.Equal([lapsed.Id, sooner.Id, soon.Id, justBefore.Id], expiring.Select(x => x.Id));
    }

    [Fact]
    public async Task Updating_the_status_stores_it_and_stamps_updated_at()
    {
        await using var s = await OpenAsync();
        var sub = Make.Subscription(s.Now);
        await s.A.Subscriptions.CreateAsync(sub);
        s.Time.Advance(TimeSpan.FromSeconds(10));

        await s.A.Subscriptions.UpdateStatusAsync(sub.Id, SubscriptionStatus.PastDue);

        var read = await s.A.Subscriptions.GetAsync(sub.Id);
        Assert.Equal((SubscriptionStatus.PastDue, s.Now), (read!.Status, read.UpdatedAt));
        Assert.Null(read.CancelledAt);
    }

    [Fact]
    public async Task Cancelling_through_the_status_sets_cancelled_at_to_now()
    {
        await using var s = await OpenAsync();
        var sub = Make.Subscription(s.Now);
        await s.A.Subscriptions.CreateAsync(sub);
        s.Time.Advance(TimeSpan.FromMinutes(1));

        await s.A.Subscriptions.UpdateStatusAsync(sub.Id, SubscriptionStatus.Cancelled);

        var read = await s.A.Subscriptions.GetAsync(sub.Id);
        Assert.Equal((SubscriptionStatus.Cancelled, s.Now), (read!.Status, read.CancelledAt));
    }

    [Fact]
    public async Task Cancelling_again_keeps_the_first_cancellation_time()
    {
        await using var s = await OpenAsync();
        var sub = Make.Subscription(s.Now);
        await s.A.Subscriptions.CreateAsync(sub);
        await s.A.Subscriptions.UpdateStatusAsync(sub.Id, SubscriptionStatus.Cancelled);
        var first = s.Now;
        s.Time.Advance(TimeSpan.FromMinutes(1));

        await s.A.Subscriptions.DeleteAsync(sub.Id);
        await s.A.Subscriptions.UpdateStatusAsync(sub.Id, SubscriptionStatus.Cancelled);

        Assert.Equal(first, (await s.A.Subscriptions.GetAsync(sub.Id))!.CancelledAt);
    }

    [Fact]
    public async Task Updating_the_status_of_a_missing_subscription_fails_with_NotFound()
    {
        await using var s = await OpenAsync();
        await ExpectKind.NotFound(() => s.A.Subscriptions.UpdateStatusAsync("sub-missing", SubscriptionStatus.Active));
    }

    [Fact]
    public async Task Updating_to_an_unknown_status_fails_with_Validation()
    {
        await using var s = await OpenAsync();
        var sub = Make.Subscription(s.Now);
        await s.A.Subscriptions.CreateAsync(sub);

        await ExpectKind.Validation(() => s.A.Subscriptions.UpdateStatusAsync(sub.Id, (SubscriptionStatus)42));

        Assert.Equal(SubscriptionStatus.Active, (await s.A.Subscriptions.GetAsync(sub.Id))!.Status);
    }

    [Fact]
    public async Task Extending_the_period_moves_it_and_stamps_updated_at()
    {
        await using var s = await OpenAsync();
        var sub = Make.Subscription(s.Now);
        await s.A.Subscriptions.CreateAsync(sub);
        s.Time.Advance(TimeSpan.FromSeconds(5));
        var newStart = sub.CurrentPeriodEnd;
        var newEnd = sub.CurrentPeriodEnd.AddDays(30);

        await s.A.Subscriptions.ExtendPeriodAsync(sub.Id, newStart, newEnd);

        var read = await s.A.Subscriptions.GetAsync(sub.Id);
        Assert.Equal((newStart, newEnd, s.Now), (read!.CurrentPeriodStart, read.CurrentPeriodEnd, read.UpdatedAt));
        Assert.Equal(sub.Status, read.Status);
    }

    [Fact]
    public async Task Extended_period_bounds_are_truncated_to_whole_microseconds()
    {
        await using var s = await OpenAsync();
        var sub = Make.Subscription(s.Now);
        await s.A.Subscriptions.CreateAsync(sub);
        var raw = Start.AddDays(40).AddTicks(6);

        await s.A.Subscriptions.ExtendPeriodAsync(sub.Id, raw, raw.AddDays(30));

        var read = await s.A.Subscriptions.GetAsync(sub.Id);
        Assert.Equal((StorageTime.Micro(raw), StorageTime.Micro(raw.AddDays(30))), (read!.CurrentPeriodStart, read.CurrentPeriodEnd));
    }

    [Fact]
    public async Task Extending_with_an_end_not_after_the_start_fails_with_Validation()
    {
        await using var s = await OpenAsync();
        var sub = Make.Subscription(s.Now);
        await s.A.Subscriptions.CreateAsync(sub);

        await ExpectKind.Validation(() => s.A.Subscriptions.ExtendPeriodAsync(sub.Id, s.Now, s.Now));
        await ExpectKind.Validation(() => s.A.Subscriptions.ExtendPeriodAsync(sub.Id, s.Now, s.Now.AddDays(-1)));
        await ExpectKind.Validation(() => s.A.Subscriptions.ExtendPeriodAsync(sub.Id, s.Now, s.Now.AddDays(-1), sub.CurrentPeriodEnd));

        var read = await s.A.Subscriptions.GetAsync(sub.Id);
        Assert.Equal((sub.CurrentPeriodStart, sub.CurrentPeriodEnd), (read!.CurrentPeriodStart, read.CurrentPeriodEnd));
    }

    [Fact]
    public async Task Extending_a_missing_subscription_fails_with_NotFound()
    {
        await using var s = await OpenAsync();
        await ExpectKind.NotFound(() => s.A.Subscriptions.ExtendPeriodAsync("sub-missing", s.Now, s.Now.AddDays(30)));
        await ExpectKind.NotFound(() => s.A.Subscriptions.ExtendPeriodAsync("sub-missing", s.Now, s.Now.AddDays(30), s.Now));
    }

    [Fact]
    public async Task Extending_with_the_expected_current_end_moves_the_period()
    {
        await using var s = await OpenAsync();
        var sub = Make.Subscription(s.Now);
        await s.A.Subscriptions.CreateAsync(sub);

        await s.A.Subscriptions.ExtendPeriodAsync(sub.Id, sub.CurrentPeriodEnd, sub.CurrentPeriodEnd.AddDays(30), sub.CurrentPeriodEnd);

        Assert.Equal(sub.CurrentPeriodEnd.AddDays(30), (await s.A.Subscriptions.GetAsync(sub.Id))!.CurrentPeriodEnd);
    }

    [Fact]
    public async Task A_second_renewal_with_a_stale_expected_end_fails_with_Conflict_and_loses_nothing()
    {
        await using var s = await OpenAsync();
        var sub = Make.Subscription(s.Now);
        await s.A.Subscriptions.CreateAsync(sub);
        var expected = sub.CurrentPeriodEnd;

        // Two instances read the same period end and both try to renew it.
        await s.A.Subscriptions.ExtendPeriodAsync(sub.Id, expected, expected.AddDays(30), expected);
        await ExpectKind.Conflict(() => s.A.Subscriptions.ExtendPeriodAsync(sub.Id, expected, expected.AddDays(31), expected));

        var read = await s.A.Subscriptions.GetAsync(sub.Id);
        Assert.Equal((expected, expected.AddDays(30)), (read!.CurrentPeriodStart, read.CurrentPeriodEnd));
    }

    [Fact]
    public async Task The_expected_end_is_compared_at_microsecond_precision()
    {
        await using var s = await OpenAsync();
        var raw = Start.AddDays(29);
        var sub = Make.Subscription(s.Now) with { CurrentPeriodEnd = raw };
        await s.A.Subscriptions.CreateAsync(sub);

        // The caller still holds the untruncated value it wrote; it names the same stored instant.
        await s.A.Subscriptions.ExtendPeriodAsync(sub.Id, raw, raw.AddDays(30), raw);

        Assert.Equal(StorageTime.Micro(raw.AddDays(30)), (await s.A.Subscriptions.GetAsync(sub.Id))!.CurrentPeriodEnd);
    }

    [Fact]
    public async Task Another_tenant_cannot_see_a_subscription_in_any_read()
    {
        await using var s = await OpenAsync();
        var sub = Make.Subscription(s.Now) with { StripeCustomerId = "cus_1", StripeSubscriptionId = "sub_stripe_1" };
        await s.A.Subscriptions.CreateAsync(sub);

        Assert.Null(await s.B.Subscriptions.GetAsync(sub.Id));
        Assert.Null(await s.B.Subscriptions.GetByWalletAsync(sub.Wallet!, sub.ProductId));
        Assert.Null(await s.B.Subscriptions.GetByStripeSubscriptionIdAsync("sub_stripe_1"));
        Assert.Empty(await s.B.Subscriptions.GetByStripeCustomerIdAsync("cus_1"));
        Assert.Empty(await s.B.Subscriptions.ListByProductAsync(sub.ProductId));
        Assert.Empty(await s.B.Subscriptions.ListActiveAsync());
        Assert.Empty(await s.B.Subscriptions.ListActiveAsync(sub.ProductId));
        Assert.Empty(await s.B.Subscriptions.ListExpiringAsync(s.Now.AddYears(1)));
    }

    [Fact]
    public async Task Another_tenant_cannot_change_a_subscription()
    {
        await using var s = await OpenAsync();
        var sub = Make.Subscription(s.Now);
        await s.A.Subscriptions.CreateAsync(sub);

        await ExpectKind.NotFound(() => s.B.Subscriptions.UpdateAsync(sub with { Status = SubscriptionStatus.Expired }));
        await ExpectKind.NotFound(() => s.B.Subscriptions.DeleteAsync(sub.Id));
        await ExpectKind.NotFound(() => s.B.Subscriptions.UpdateStatusAsync(sub.Id, SubscriptionStatus.Cancelled));
        await ExpectKind.NotFound(() => s.B.Subscriptions.ExtendPeriodAsync(sub.Id, s.Now, s.Now.AddYears(1)));
        await ExpectKind.NotFound(() => s.B.Subscriptions.ExtendPeriodAsync(sub.Id, s.Now, s.Now.AddYears(1), sub.CurrentPeriodEnd));

        Assert.Equivalent(sub with { TenantId = "tenant-a" }, await s.A.Subscriptions.GetAsync(sub.Id), strict: true);
    }

    [Fact]
    public async Task The_same_ids_live_independently_in_two_tenants()
    {
        await using var s = await OpenAsync();
        var sub = Make.Subscription(s.Now) with { StripeSubscriptionId = "sub_stripe_1" };
        await s.A.Subscriptions.CreateAsync(sub);

        await s.B.Subscriptions.CreateAsync(sub with { ProductId = "prod-b" });
        await s.B.Subscriptions.DeleteAsync(sub.Id);

        var a = await s.A.Subscriptions.GetAsync(sub.Id);
        Assert.Equal(("prod-1", SubscriptionStatus.Active), (a!.ProductId, a.Status));
        Assert.Equal(sub.Id, (await s.A.Subscriptions.GetByStripeSubscriptionIdAsync("sub_stripe_1"))!.Id);
        Assert.Equal(SubscriptionStatus.Cancelled, (await s.B.Subscriptions.GetByStripeSubscriptionIdAsync("sub_stripe_1"))!.Status);
    }

    [Fact]
    public async Task A_subscription_claiming_another_tenant_is_stored_under_the_handles_tenant()
    {
        await using var s = await OpenAsync();
        var sub = Make.Subscription(s.Now) with { TenantId = "tenant-b" };

        await s.A.Subscriptions.CreateAsync(sub);
        await s.A.Subscriptions.UpdateAsync(sub with { CancelAtPeriodEnd = true });

        Assert.Equal("tenant-a", (await s.A.Subscriptions.GetAsync(sub.Id))!.TenantId);
        Assert.Null(await s.B.Subscriptions.GetAsync(sub.Id));
    }

    [Fact]
    public async Task Moving_a_cancelled_subscription_to_another_status_keeps_cancelled_at()
    {
        await using var s = await OpenAsync();
        var sub = Make.Subscription(s.Now);
        await s.A.Subscriptions.CreateAsync(sub);
        await s.A.Subscriptions.DeleteAsync(sub.Id);
        var cancelledAt = s.Now;
        s.Time.Advance(TimeSpan.FromMinutes(1));

        await s.A.Subscriptions.UpdateStatusAsync(sub.Id, SubscriptionStatus.Active);

        var read = await s.A.Subscriptions.GetAsync(sub.Id);
        Assert.Equal((SubscriptionStatus.Active, cancelledAt), (read!.Status, read.CancelledAt));
        Assert.Equal(sub.Id, (await s.A.Subscriptions.GetByWalletAsync(sub.Wallet!, sub.ProductId))!.Id);
    }
}
