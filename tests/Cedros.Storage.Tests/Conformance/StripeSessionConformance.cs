using Cedros.Storage.Internal;
using Cedros.Storage.Tests.Backends;

namespace Cedros.Storage.Tests.Conformance;

/// <summary>Contract §15: Stripe checkout sessions.</summary>
public abstract class StripeSessionConformance<TFixture>(TFixture fixture) : ConformanceTest<TFixture>(fixture)
    where TFixture : class, IStorageFixture
{
    [Fact]
    public async Task A_saved_session_reads_back_field_for_field()
    {
        await using var s = await OpenAsync();
        var session = Make.StripeSession(s.Now);
        await s.A.SaveStripeSessionAsync(session);

        var read = await s.A.GetStripeSessionAsync(session.Id);

        Assert.Equivalent(session with { TenantId = "tenant-a" }, read, strict: true);
        Assert.Equal(StripeSessionStatus.Pending, read!.Status);
        Assert.Null(read.CompletedAt);
    }

    [Fact]
    public async Task Getting_a_missing_session_returns_null()
    {
        await using var s = await OpenAsync();
        Assert.Null(await s.A.GetStripeSessionAsync("cs-missing"));
    }

    [Fact]
    public async Task Saving_again_replaces_every_field()
    {
        await using var s = await OpenAsync();
        var session = Make.StripeSession(s.Now);
        await s.A.SaveStripeSessionAsync(session);
        var changed = session with { AmountCents = 5, Currency = "eur", CustomerEmail = null, Metadata = EmptyMetadata.Instance, ResourceId = "prod-2" };

        await s.A.SaveStripeSessionAsync(changed);

        Assert.Equivalent(changed with { TenantId = "tenant-a" }, await s.A.GetStripeSessionAsync(session.Id), strict: true);
    }

    [Fact]
    public async Task A_session_without_a_creation_time_is_stamped_with_now()
    {
        await using var s = await OpenAsync();
        var session = Make.StripeSession(s.Now) with { CreatedAt = default };
        await s.A.SaveStripeSessionAsync(session);

        Assert.Equal(s.Now, (await s.A.GetStripeSessionAsync(session.Id))!.CreatedAt);
    }

    [Fact]
    public async Task Instants_are_stored_truncated_to_whole_microseconds()
    {
        await using var s = await OpenAsync();
        var raw = Start.AddTicks(9);
        var session = Make.StripeSession(s.Now) with { CreatedAt = raw };
        await s.A.SaveStripeSessionAsync(session);
        await s.A.CompleteStripeSessionAsync(session.Id, raw.AddSeconds(1));

        var read = await s.A.GetStripeSessionAsync(session.Id);

        Assert.Equal(StorageTime.Micro(raw), read!.CreatedAt);
        Assert.Equal(StorageTime.Micro(raw.AddSeconds(1)), read.CompletedAt);
    }

    [Fact]
    public async Task Metadata_round_trips_exactly()
    {
        await using var s = await OpenAsync();
        var meta = Make.Meta(("checkout", "{\"line_items\":[{\"price\":\"p_1\"}]}"), ("quote", "\"'"), ("emoji", "💳"), ("empty", ""));
        var session = Make.StripeSession(s.Now) with { Metadata = meta };
        await s.A.SaveStripeSessionAsync(session);

        Assert.Equivalent(meta, (await s.A.GetStripeSessionAsync(session.Id))!.Metadata, strict: true);
    }

    [Fact]
    public async Task Completing_returns_true_the_first_time_and_false_after()
    {
        await using var s = await OpenAsync();
        var session = Make.StripeSession(s.Now);
        await s.A.SaveStripeSessionAsync(session);
        var at = s.Now.AddMinutes(2);

        Assert.True(await s.A.CompleteStripeSessionAsync(session.Id, at));
        Assert.False(await s.A.CompleteStripeSessionAsync(session.Id, at.AddMinutes(5)));

        var read = await s.A.GetStripeSessionAsync(session.Id);
        Assert.Equal(StripeSessionStatus.Completed, read!.Status);
        Assert.Equal(at, read.CompletedAt);
    }

    [Fact]
    public async Task Completing_an_expired_session_fails_with_Conflict()
    {
        await using var s = await OpenAsync();
        var session = Make.StripeSession(s.Now) with { Status = StripeSessionStatus.Expired };
        await s.A.SaveStripeSessionAsync(session);

        await ExpectKind.Conflict(() => s.A.CompleteStripeSessionAsync(session.Id, s.Now));

        var read = await s.A.GetStripeSessionAsync(session.Id);
        Assert.Equal(StripeSessionStatus.Expired, read!.Status);
        Assert.Null(read.CompletedAt);
    }

    [Fact]
    public async Task Completing_a_missing_session_fails_with_NotFound()
    {
        await using var s = await OpenAsync();
        await ExpectKind.NotFound(() => s.A.CompleteStripeSessionAsync("cs-missing", s.Now));
        Assert.Null(await s.A.GetStripeSessionAsync("cs-missing"));
    }

    [Fact]
    public async Task Saving_over_a_completed_session_fails_with_Conflict_and_changes_nothing()
    {
        await using var s = await OpenAsync();
        var session = Make.StripeSession(s.Now);
        await s.A.SaveStripeSessionAsync(session);
        await s.A.CompleteStripeSessionAsync(session.Id, s.Now);

        await ExpectKind.Conflict(() => s.A.SaveStripeSessionAsync(session with { Status = StripeSessionStatus.Pending, AmountCents = 1 }));

        var read = await s.A.GetStripeSessionAsync(session.Id);
        Assert.Equal((StripeSessionStatus.Completed, 1999L), (read!.Status, read.AmountCents));
    }

    [Fact]
    public async Task An_expired_session_may_be_saved_again()
    {
        await using var s = await OpenAsync();
        var session = Make.StripeSession(s.Now) with { Status = StripeSessionStatus.Expired };
        await s.A.SaveStripeSessionAsync(session);

        await s.A.SaveStripeSessionAsync(session with { Status = StripeSessionStatus.Pending });

        Assert.True(await s.A.CompleteStripeSessionAsync(session.Id, s.Now));
    }

    [Theory]
    [InlineData("empty id")]
    [InlineData("long id")]
    [InlineData("no resource")]
    [InlineData("negative amount")]
    [InlineData("unknown status")]
    [InlineData("email too long")]
    public async Task An_invalid_session_fails_with_Validation_and_writes_nothing(string problem)
    {
        await using var s = await OpenAsync();
        var session = Make.StripeSession(s.Now);
        var bad = problem switch
        {
            "empty id" => session with { Id = "" },
            "long id" => session with { Id = new string('s', 256) },
            "no resource" => session with { ResourceId = "" },
            "negative amount" => session with { AmountCents = -1 },
            "unknown status" => session with { Status = (StripeSessionStatus)9 },
            _ => session with { CustomerEmail = new string('e', 4097) },
        };

        await ExpectKind.Validation(() => s.A.SaveStripeSessionAsync(bad));

        Assert.Null(await s.A.GetStripeSessionAsync(session.Id));
        Assert.Empty(await s.A.ListStripeSessionsByResourceAsync(session.ResourceId, null, 100));
    }

    [Fact]
    public async Task Sessions_of_a_resource_are_listed_newest_first()
    {
        await using var s = await OpenAsync();
        var resource = Make.Id("res");
        var old = Make.StripeSession(s.Now.AddMinutes(-10), id: "cs-old", resourceId: resource);
        var tieA = Make.StripeSession(s.Now, id: "cs-tie-a", resourceId: resource);
        var tieB = Make.StripeSession(s.Now, id: "cs-tie-b", resourceId: resource);
        var other = Make.StripeSession(s.Now, resourceId: "res-other");
        foreach (var x in new[] { tieA, old, other, tieB }) await s.A.SaveStripeSessionAsync(x);

        var list = await s.A.ListStripeSessionsByResourceAsync(resource, null, 100);

        Assert.Equal(["cs-tie-b", "cs-tie-a", "cs-old"], list.Select(x => x.Id));
    }

    [Fact]
    public async Task Listing_sessions_filters_by_status_and_honours_the_limit()
    {
        await using var s = await OpenAsync();
        var resource = Make.Id("res");
        var sessions = Enumerable.Range(0, 5).Select(i => Make.StripeSession(s.Now.AddMinutes(i), resourceId: resource)).ToArray();
        foreach (var x in sessions) await s.A.SaveStripeSessionAsync(x);
        await s.A.CompleteStripeSessionAsync(sessions[1].Id, s.Now);
        await s.A.CompleteStripeSessionAsync(sessions[3].Id, s.Now);

        var completed = await s.A.ListStripeSessionsByResourceAsync(resource, StripeSessionStatus.Completed, 100);
        var pending = await s.A.ListStripeSessionsByResourceAsync(resource, StripeSessionStatus.Pending, 2);
        var none = await s.A.ListStripeSessionsByResourceAsync(resource, null, 0);

        Assert.Equal([sessions[3].Id, sessions[1].Id], completed.Select(x => x.Id));
        Assert.Equal([sessions[4].Id, sessions[2].Id], pending.Select(x => x.Id));
        Assert.Empty(none);
        Assert.Empty(await s.A.ListStripeSessionsByResourceAsync(resource, StripeSessionStatus.Expired, 100));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1001)]
    public async Task Listing_sessions_rejects_a_limit_outside_0_to_1000(int limit)
    {
        await using var s = await OpenAsync();
        await ExpectKind.Validation(() => s.A.ListStripeSessionsByResourceAsync("prod-1", null, limit));
    }

    [Fact]
    public async Task Expiring_moves_pending_sessions_created_before_the_cutoff_and_counts_them()
    {
        await using var s = await OpenAsync();
        var cutoff = s.Now;
        var old1 = Make.StripeSession(cutoff.AddHours(-2));
        var old2 = Make.StripeSession(cutoff.AddMicroseconds(-1));
        var atCutoff = Make.StripeSession(cutoff);
        var oldCompleted = Make.StripeSession(cutoff.AddHours(-3));
        var oldExpired = Make.StripeSession(cutoff.AddHours(-4)) with { Status = StripeSessionStatus.Expired };
        foreach (var x in new[] { old1, old2, atCutoff, oldCompleted, oldExpired }) await s.A.SaveStripeSessionAsync(x);
        await s.A.CompleteStripeSessionAsync(oldCompleted.Id, cutoff);

        Assert.Equal(2, await s.A.ExpireStripeSessionsAsync(cutoff));

        Assert.Equal(StripeSessionStatus.Expired, (await s.A.GetStripeSessionAsync(old1.Id))!.Status);
        Assert.Equal(StripeSessionStatus.Expired, (await s.A.GetStripeSessionAsync(old2.Id))!.Status);
        Assert.Equal(StripeSessionStatus.Pending, (await s.A.GetStripeSessionAsync(atCutoff.Id))!.Status);
        Assert.Equal(StripeSessionStatus.Completed, (await s.A.GetStripeSessionAsync(oldCompleted.Id))!.Status);
        Assert.Equal(0, await s.A.ExpireStripeSessionsAsync(cutoff));
        await ExpectKind.Conflict(() => s.A.CompleteStripeSessionAsync(old1.Id, cutoff));
    }

    [Fact]
    public async Task Expiring_with_nothing_to_expire_returns_zero()
    {
        await using var s = await OpenAsync();
        Assert.Equal(0, await s.A.ExpireStripeSessionsAsync(s.Now));
    }

    [Fact]
    public async Task Another_tenant_cannot_see_or_complete_a_session()
    {
        await using var s = await OpenAsync();
        var session = Make.StripeSession(s.Now);
        await s.A.SaveStripeSessionAsync(session);

        Assert.Null(await s.B.GetStripeSessionAsync(session.Id));
        Assert.Empty(await s.B.ListStripeSessionsByResourceAsync(session.ResourceId, null, 100));
        await ExpectKind.NotFound(() => s.B.CompleteStripeSessionAsync(session.Id, s.Now));

        Assert.Equal(StripeSessionStatus.Pending, (await s.A.GetStripeSessionAsync(session.Id))!.Status);
    }

    [Fact]
    public async Task Expiring_in_one_tenant_leaves_the_other_untouched()
    {
        await using var s = await OpenAsync();
        var session = Make.StripeSession(s.Now.AddHours(-1));
        await s.A.SaveStripeSessionAsync(session);

        Assert.Equal(0, await s.B.ExpireStripeSessionsAsync(s.Now));

        Assert.Equal(StripeSessionStatus.Pending, (await s.A.GetStripeSessionAsync(session.Id))!.Status);
    }

    [Fact]
    public async Task The_same_session_id_lives_independently_in_two_tenants()
    {
        await using var s = await OpenAsync();
        var session = Make.StripeSession(s.Now);
        await s.A.SaveStripeSessionAsync(session);
        await s.A.CompleteStripeSessionAsync(session.Id, s.Now);

        await s.B.SaveStripeSessionAsync(session with { AmountCents = 5 });

        Assert.True(await s.B.CompleteStripeSessionAsync(session.Id, s.Now));
        Assert.Equal(1999, (await s.A.GetStripeSessionAsync(session.Id))!.AmountCents);
        Assert.Equal(5, (await s.B.GetStripeSessionAsync(session.Id))!.AmountCents);
    }

    [Fact]
    public async Task A_session_claiming_another_tenant_is_stored_under_the_handles_tenant()
    {
        await using var s = await OpenAsync();
        var session = Make.StripeSession(s.Now) with { TenantId = "tenant-b" };

        await s.A.SaveStripeSessionAsync(session);

        Assert.Equal("tenant-a", (await s.A.GetStripeSessionAsync(session.Id))!.TenantId);
        Assert.Null(await s.B.GetStripeSessionAsync(session.Id));
    }
}
