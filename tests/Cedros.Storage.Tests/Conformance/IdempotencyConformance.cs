using Cedros.Storage.Internal;
using Cedros.Storage.Tests.Backends;

namespace Cedros.Storage.Tests.Conformance;

/// <summary>Contract §9: idempotency keys and the begin/complete protocol.</summary>
public abstract class IdempotencyConformance<TFixture>(TFixture fixture) : ConformanceTest<TFixture>(fixture)
    where TFixture : class, IStorageFixture
{
    private static readonly TimeSpan Day = TimeSpan.FromHours(24);
    private static readonly TimeSpan LockTtl = TimeSpan.FromSeconds(30);

    private static async Task<string> StartAsync(ITenantStorage store, string key, string fingerprint = "fp-1")
    {
        var begun = await store.TryBeginIdempotentRequestAsync(key, fingerprint, LockTtl);
        Assert.Equal(IdempotencyBeginOutcome.Started, begun.Outcome);
        Assert.False(string.IsNullOrEmpty(begun.LockToken));
        return begun.LockToken!;
    }

    // ---- save / get / delete ----

    [Fact]
    public async Task A_saved_response_reads_back_exactly()
    {
        await using var s = await OpenAsync();
        var response = Make.Response(Start, 201, "{ \"id\": 1,\n \"a\": [] }") with
        {
            Headers = Make.Meta(("Content-Type", "application/json"), ("X-Request-Id", "r-1")),
        };
        await s.A.SaveIdempotencyKeyAsync("key-1", response, Day);
        var read = await s.A.GetIdempotencyKeyAsync("key-1");
        Assert.Equivalent(response with { CachedAt = StorageTime.Micro(Start) }, read, strict: true);
        Assert.Equal(response.Body, read!.Body);
    }

    [Fact]
    public async Task A_binary_body_round_trips_byte_for_byte()
    {
        await using var s = await OpenAsync();
        var body = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        await s.A.SaveIdempotencyKeyAsync("bin", Make.Response(s.Now) with { Body = body }, Day);
        Assert.Equal(body, (await s.A.GetIdempotencyKeyAsync("bin"))!.Body);
    }

    [Fact]
    public async Task A_body_of_exactly_1_MiB_is_accepted()
    {
        await using var s = await OpenAsync();
        var body = new byte[1024 * 1024];
        await s.A.SaveIdempotencyKeyAsync("big", Make.Response(s.Now) with { Body = body }, Day);
        Assert.Equal(body.Length, (await s.A.GetIdempotencyKeyAsync("big"))!.Body.Length);
    }

    [Fact]
    public async Task Cached_at_defaults_to_now_when_unset()
    {
        await using var s = await OpenAsync();
        await s.A.SaveIdempotencyKeyAsync("k", Make.Response(s.Now) with { CachedAt = default }, Day);
        Assert.Equal(s.Now, (await s.A.GetIdempotencyKeyAsync("k"))!.CachedAt);
    }

    [Fact]
    public async Task GetIdempotencyKey_returns_null_for_a_missing_key()
    {
        await using var s = await OpenAsync();
        Assert.Null(await s.A.GetIdempotencyKeyAsync("missing"));
    }

    [Fact]
    public async Task A_key_is_absent_exactly_when_its_ttl_runs_out()
    {
        await using var s = await OpenAsync();
        await s.A.SaveIdempotencyKeyAsync("k", Make.Response(s.Now), TimeSpan.FromMinutes(10));
        s.Time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromMicroseconds(1));
        Assert.NotNull(await s.A.GetIdempotencyKeyAsync("k"));
        s.Time.Advance(TimeSpan.FromMicroseconds(1));
        Assert.Null(await s.A.GetIdempotencyKeyAsync("k"));
    }

    [Fact]
    public async Task Saving_again_overwrites_the_response_and_its_ttl()
    {
        await using var s = await OpenAsync();
        await s.A.SaveIdempotencyKeyAsync("k", Make.Response(s.Now, 200, "first"), TimeSpan.FromMinutes(1));
        await s.A.SaveIdempotencyKeyAsync("k", Make.Response(s.Now, 409, "second"), TimeSpan.FromMinutes(10));
        s.Time.Advance(TimeSpan.FromMinutes(5));
        var read = (await s.A.GetIdempotencyKeyAsync("k"))!;
        Assert.Equal(409, read.StatusCode);
        Assert.Equal("second"u8.ToArray(), read.Body);
    }

    [Fact]
    public async Task DeleteIdempotencyKey_removes_the_key_and_ignores_a_missing_one()
    {
        await using var s = await OpenAsync();
        await s.A.SaveIdempotencyKeyAsync("k", Make.Response(s.Now), Day);
        await s.A.DeleteIdempotencyKeyAsync("k");
        Assert.Null(await s.A.GetIdempotencyKeyAsync("k"));
        await s.A.DeleteIdempotencyKeyAsync("k");
        await s.A.DeleteIdempotencyKeyAsync("never-existed");
    }

    [Theory]
    [InlineData("empty key")]
    [InlineData("long key")]
    [InlineData("zero ttl")]
    [InlineData("negative ttl")]
    [InlineData("body over 1 MiB")]
    [InlineData("null response")]
    public async Task An_invalid_save_is_rejected_with_Validation_and_nothing_is_stored(string problem)
    {
        await using var s = await OpenAsync();
        var key = problem switch { "empty key" => "", "long key" => new string('k', 256), _ => "k" };
        var ttl = problem switch { "zero ttl" => TimeSpan.Zero, "negative ttl" => TimeSpan.FromSeconds(-1), _ => Day };
        var response = problem switch
        {
            "body over 1 MiB" => Make.Response(s.Now) with { Body = new byte[1024 * 1024 + 1] },
            "null response" => null!,
            _ => Make.Response(s.Now),
        };
        await Assert.ThrowsAsync<StorageValidationException>(() => s.A.SaveIdempotencyKeyAsync(key, response, ttl));
        Assert.Null(await s.A.GetIdempotencyKeyAsync("k"));
    }

    [Fact]
    public async Task A_key_of_exactly_255_characters_is_accepted()
    {
        await using var s = await OpenAsync();
        var key = new string('k', 255);
        await s.A.SaveIdempotencyKeyAsync(key, Make.Response(s.Now), Day);
        Assert.NotNull(await s.A.GetIdempotencyKeyAsync(key));
    }

    [Fact]
    public async Task Keys_are_per_tenant()
    {
        await using var s = await OpenAsync();
        await s.A.SaveIdempotencyKeyAsync("shared", Make.Response(s.Now, 200, "a"), Day);
        Assert.Null(await s.B.GetIdempotencyKeyAsync("shared"));
        await s.B.SaveIdempotencyKeyAsync("shared", Make.Response(s.Now, 201, "b"), Day);
        await s.B.DeleteIdempotencyKeyAsync("shared");
        Assert.Equal(200, (await s.A.GetIdempotencyKeyAsync("shared"))!.StatusCode);
    }

    [Fact]
    public async Task Keys_are_case_sensitive()
    {
        await using var s = await OpenAsync();
        await s.A.SaveIdempotencyKeyAsync("Key", Make.Response(s.Now), Day);
        Assert.Null(await s.A.GetIdempotencyKeyAsync("key"));
    }

    // ---- cleanup ----

    [Fact]
    public async Task CleanupExpiredIdempotencyKeys_deletes_expired_keys_and_lapsed_locks_of_every_tenant()
    {
        await using var s = await OpenAsync();
        await s.A.SaveIdempotencyKeyAsync("expired-a", Make.Response(s.Now), TimeSpan.FromMinutes(1));
        await s.B.SaveIdempotencyKeyAsync("expired-b", Make.Response(s.Now), TimeSpan.FromMinutes(1));
        await StartAsync(s.A, "lapsed-lock");
        await s.A.SaveIdempotencyKeyAsync("live", Make.Response(s.Now), TimeSpan.FromMinutes(1).Add(TimeSpan.FromMicroseconds(1)));
        s.Time.Advance(TimeSpan.FromMinutes(1));
        var held = await StartAsync(s.B, "held-lock");

        Assert.Equal(3, await s.A.CleanupExpiredIdempotencyKeysAsync());
        Assert.NotNull(await s.A.GetIdempotencyKeyAsync("live"));
        Assert.Equal(IdempotencyBeginOutcome.InProgress, (await s.B.TryBeginIdempotentRequestAsync("held-lock", "fp-1", LockTtl)).Outcome);
        await s.B.CompleteIdempotentRequestAsync("held-lock", held, Make.Response(s.Now), Day);
        Assert.Equal(0, await s.A.CleanupExpiredIdempotencyKeysAsync());
    }

    [Fact]
    public async Task CleanupExpiredIdempotencyKeys_works_in_small_batches_until_done()
    {
        await using var s = await OpenAsync(o => o.HousekeepingBatchSize = 3);
        for (var i = 0; i < 10; i++) await (i % 2 == 0 ? s.A : s.B).SaveIdempotencyKeyAsync($"k{i}", Make.Response(s.Now), TimeSpan.FromMinutes(1));
        s.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(10, await s.A.CleanupExpiredIdempotencyKeysAsync());
    }

    // ---- begin / complete / release ----

    [Fact]
    public async Task Beginning_a_fresh_key_starts_the_request_and_hides_it_from_Get()
    {
        await using var s = await OpenAsync();
        await StartAsync(s.A, "k");
        Assert.Null(await s.A.GetIdempotencyKeyAsync("k"));
    }

    [Fact]
    public async Task Beginning_a_key_in_progress_reports_InProgress()
    {
        await using var s = await OpenAsync();
        await StartAsync(s.A, "k");
        var again = await s.A.TryBeginIdempotentRequestAsync("k", "fp-1", LockTtl);
        Assert.Equal(IdempotencyBeginOutcome.InProgress, again.Outcome);
        Assert.Null(again.LockToken);
    }

    [Fact]
    public async Task Beginning_a_key_in_progress_with_another_fingerprint_reports_FingerprintMismatch()
    {
        await using var s = await OpenAsync();
        await StartAsync(s.A, "k", "fp-1");
        Assert.Equal(IdempotencyBeginOutcome.FingerprintMismatch, (await s.A.TryBeginIdempotentRequestAsync("k", "fp-2", LockTtl)).Outcome);
    }

    [Fact]
    public async Task A_completed_request_replays_its_response()
    {
        await using var s = await OpenAsync();
        var token = await StartAsync(s.A, "k");
        var response = Make.Response(s.Now, 201, "{\"order\":\"o-1\"}");
        await s.A.CompleteIdempotentRequestAsync("k", token, response, Day);
        Assert.Equivalent(response, await s.A.GetIdempotencyKeyAsync("k"), strict: true);
        var again = await s.A.TryBeginIdempotentRequestAsync("k", "fp-1", LockTtl);
        Assert.Equal(IdempotencyBeginOutcome.Completed, again.Outcome);
        Assert.Equivalent(response, again.Response, strict: true);
    }

    [Fact]
    public async Task A_completed_key_with_another_fingerprint_reports_FingerprintMismatch()
    {
        await using var s = await OpenAsync();
        var token = await StartAsync(s.A, "k", "fp-1");
        await s.A.CompleteIdempotentRequestAsync("k", token, Make.Response(s.Now), Day);
        var again = await s.A.TryBeginIdempotentRequestAsync("k", "fp-2", LockTtl);
        Assert.Equal(IdempotencyBeginOutcome.FingerprintMismatch, again.Outcome);
        Assert.Null(again.Response);
    }

    [Fact]
    public async Task A_response_saved_without_a_request_replays_for_any_fingerprint()
    {
        await using var s = await OpenAsync();
        await s.A.SaveIdempotencyKeyAsync("k", Make.Response(s.Now, 202), Day);
        var begun = await s.A.TryBeginIdempotentRequestAsync("k", "whatever", LockTtl);
        Assert.Equal(IdempotencyBeginOutcome.Completed, begun.Outcome);
        Assert.Equal(202, begun.Response!.StatusCode);
    }

    [Fact]
    public async Task The_completed_response_lives_for_the_response_ttl_not_the_lock_ttl()
    {
        await using var s = await OpenAsync();
        var token = await StartAsync(s.A, "k");
        await s.A.CompleteIdempotentRequestAsync("k", token, Make.Response(s.Now), TimeSpan.FromHours(1));
        s.Time.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(IdempotencyBeginOutcome.Completed, (await s.A.TryBeginIdempotentRequestAsync("k", "fp-1", LockTtl)).Outcome);
        s.Time.Advance(TimeSpan.FromMinutes(1));
        await StartAsync(s.A, "k", "fp-new");
    }

    [Fact]
    public async Task A_crashed_request_blocks_its_key_only_until_the_lock_ttl()
    {
        await using var s = await OpenAsync();
        var first = await StartAsync(s.A, "k");
        s.Time.Advance(LockTtl - TimeSpan.FromMicroseconds(1));
        Assert.Equal(IdempotencyBeginOutcome.InProgress, (await s.A.TryBeginIdempotentRequestAsync("k", "fp-1", LockTtl)).Outcome);
        s.Time.Advance(TimeSpan.FromMicroseconds(1));
        var second = await StartAsync(s.A, "k", "fp-other");
        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task Completing_after_another_caller_took_the_lock_over_fails_with_Conflict_and_stores_nothing()
    {
        await using var s = await OpenAsync();
        var first = await StartAsync(s.A, "k");
        s.Time.Advance(LockTtl);
        var second = await StartAsync(s.A, "k");
        var ex = await Assert.ThrowsAnyAsync<StorageException>(() =>
            s.A.CompleteIdempotentRequestAsync("k", first, Make.Response(s.Now, 500), Day));
        Assert.Equal(StorageErrorKind.Conflict, ex.Kind);
        Assert.Null(await s.A.GetIdempotencyKeyAsync("k"));
        Assert.Equal(IdempotencyBeginOutcome.InProgress, (await s.A.TryBeginIdempotentRequestAsync("k", "fp-1", LockTtl)).Outcome);
        await s.A.CompleteIdempotentRequestAsync("k", second, Make.Response(s.Now, 200), Day);
        Assert.Equal(200, (await s.A.GetIdempotencyKeyAsync("k"))!.StatusCode);
    }

    [Fact]
    public async Task Completing_after_the_lock_lapsed_fails_with_Conflict_even_without_a_takeover()
    {
        await using var s = await OpenAsync();
        var token = await StartAsync(s.A, "k");
        s.Time.Advance(LockTtl);
        var ex = await Assert.ThrowsAnyAsync<StorageException>(() => s.A.CompleteIdempotentRequestAsync("k", token, Make.Response(s.Now), Day));
        Assert.Equal(StorageErrorKind.Conflict, ex.Kind);
        Assert.Null(await s.A.GetIdempotencyKeyAsync("k"));
    }

    [Fact]
    public async Task Completing_with_a_wrong_token_fails_with_Conflict()
    {
        await using var s = await OpenAsync();
        await StartAsync(s.A, "k");
        var ex = await Assert.ThrowsAnyAsync<StorageException>(() => s.A.CompleteIdempotentRequestAsync("k", "forged", Make.Response(s.Now), Day));
        Assert.Equal(StorageErrorKind.Conflict, ex.Kind);
        Assert.Null(await s.A.GetIdempotencyKeyAsync("k"));
    }

    [Fact]
    public async Task Completing_a_key_that_was_never_begun_fails_with_Conflict()
    {
        await using var s = await OpenAsync();
        var ex = await Assert.ThrowsAnyAsync<StorageException>(() => s.A.CompleteIdempotentRequestAsync("k", "token", Make.Response(s.Now), Day));
        Assert.Equal(StorageErrorKind.Conflict, ex.Kind);
    }

    [Fact]
    public async Task Completing_twice_fails_with_Conflict_and_keeps_the_first_response()
    {
        await using var s = await OpenAsync();
        var token = await StartAsync(s.A, "k");
        await s.A.CompleteIdempotentRequestAsync("k", token, Make.Response(s.Now, 201), Day);
        var ex = await Assert.ThrowsAnyAsync<StorageException>(() => s.A.CompleteIdempotentRequestAsync("k", token, Make.Response(s.Now, 500), Day));
        Assert.Equal(StorageErrorKind.Conflict, ex.Kind);
        Assert.Equal(201, (await s.A.GetIdempotencyKeyAsync("k"))!.StatusCode);
    }

    [Fact]
    public async Task An_invalid_completion_is_rejected_with_Validation_and_the_lock_stays_held()
    {
        await using var s = await OpenAsync();
        var token = await StartAsync(s.A, "k");
        await Assert.ThrowsAsync<StorageValidationException>(() =>
            s.A.CompleteIdempotentRequestAsync("k", token, Make.Response(s.Now) with { Body = new byte[1024 * 1024 + 1] }, Day));
        Assert.Equal(IdempotencyBeginOutcome.InProgress, (await s.A.TryBeginIdempotentRequestAsync("k", "fp-1", LockTtl)).Outcome);
        await s.A.CompleteIdempotentRequestAsync("k", token, Make.Response(s.Now), Day);
    }

    [Fact]
    public async Task Releasing_frees_the_key_for_a_new_request()
    {
        await using var s = await OpenAsync();
        var token = await StartAsync(s.A, "k");
        Assert.True(await s.A.ReleaseIdempotentRequestAsync("k", token));
        Assert.Null(await s.A.GetIdempotencyKeyAsync("k"));
        await StartAsync(s.A, "k", "fp-different");
    }

    [Fact]
    public async Task Releasing_with_a_token_that_no_longer_holds_the_key_returns_false_and_changes_nothing()
    {
        await using var s = await OpenAsync();
        var first = await StartAsync(s.A, "k");
        Assert.False(await s.A.ReleaseIdempotentRequestAsync("k", "forged"));
        s.Time.Advance(LockTtl);
        var second = await StartAsync(s.A, "k");
        Assert.False(await s.A.ReleaseIdempotentRequestAsync("k", first));
        Assert.Equal(IdempotencyBeginOutcome.InProgress, (await s.A.TryBeginIdempotentRequestAsync("k", "fp-1", LockTtl)).Outcome);
        Assert.True(await s.A.ReleaseIdempotentRequestAsync("k", second));
    }

    [Fact]
    public async Task Releasing_a_completed_request_returns_false_and_keeps_the_response()
    {
        await using var s = await OpenAsync();
        var token = await StartAsync(s.A, "k");
        await s.A.CompleteIdempotentRequestAsync("k", token, Make.Response(s.Now), Day);
        Assert.False(await s.A.ReleaseIdempotentRequestAsync("k", token));
        Assert.NotNull(await s.A.GetIdempotencyKeyAsync("k"));
    }

    [Fact]
    public async Task An_expired_response_never_blocks_a_new_request_even_before_cleanup()
    {
        await using var s = await OpenAsync();
        await s.A.SaveIdempotencyKeyAsync("k", Make.Response(s.Now), TimeSpan.FromMinutes(1));
        s.Time.Advance(TimeSpan.FromMinutes(1));
        await StartAsync(s.A, "k", "fp-new");
    }

    [Fact]
    public async Task Beginning_the_same_key_in_two_tenants_starts_both()
    {
        await using var s = await OpenAsync();
        var a = await StartAsync(s.A, "k");
        var b = await StartAsync(s.B, "k", "fp-b");
        await s.B.CompleteIdempotentRequestAsync("k", b, Make.Response(s.Now, 299), Day);
        Assert.Null(await s.A.GetIdempotencyKeyAsync("k"));
        Assert.False(await s.B.ReleaseIdempotentRequestAsync("k", a));
        await Assert.ThrowsAnyAsync<StorageException>(() => s.B.CompleteIdempotentRequestAsync("k", a, Make.Response(s.Now), Day));
        await s.A.CompleteIdempotentRequestAsync("k", a, Make.Response(s.Now, 200), Day);
        Assert.Equal(299, (await s.B.GetIdempotencyKeyAsync("k"))!.StatusCode);
    }

    [Theory]
    [InlineData("empty key")]
    [InlineData("empty fingerprint")]
    [InlineData("zero lock ttl")]
    public async Task An_invalid_begin_is_rejected_with_Validation_and_takes_no_lock(string problem)
    {
        await using var s = await OpenAsync();
        var key = problem == "empty key" ? "" : "k";
        var fingerprint = problem == "empty fingerprint" ? "" : "fp-1";
        var ttl = problem == "zero lock ttl" ? TimeSpan.Zero : LockTtl;
        await Assert.ThrowsAsync<StorageValidationException>(() => s.A.TryBeginIdempotentRequestAsync(key, fingerprint, ttl));
        await StartAsync(s.A, "k");
    }

    [Fact]
    public async Task Saving_a_response_over_a_running_request_completes_the_key_and_the_runner_loses_its_lock()
    {
        await using var s = await OpenAsync();
        var token = await StartAsync(s.A, "k", "fp-1");
        await s.A.SaveIdempotencyKeyAsync("k", Make.Response(s.Now, 202), Day);
        Assert.Equal(202, (await s.A.GetIdempotencyKeyAsync("k"))!.StatusCode);
        Assert.Equal(IdempotencyBeginOutcome.FingerprintMismatch, (await s.A.TryBeginIdempotentRequestAsync("k", "fp-2", LockTtl)).Outcome);
        var ex = await Assert.ThrowsAnyAsync<StorageException>(() => s.A.CompleteIdempotentRequestAsync("k", token, Make.Response(s.Now, 500), Day));
        Assert.Equal(StorageErrorKind.Conflict, ex.Kind);
        Assert.False(await s.A.ReleaseIdempotentRequestAsync("k", token));
        Assert.Equal(202, (await s.A.GetIdempotencyKeyAsync("k"))!.StatusCode);
    }

    [Fact]
    public async Task Deleting_a_running_requests_key_frees_it_and_the_runner_loses_its_lock()
    {
        await using var s = await OpenAsync();
        var token = await StartAsync(s.A, "k");
        await s.A.DeleteIdempotencyKeyAsync("k");
        await Assert.ThrowsAnyAsync<StorageException>(() => s.A.CompleteIdempotentRequestAsync("k", token, Make.Response(s.Now), Day));
        await StartAsync(s.A, "k");
    }

    [Fact]
    public async Task InProgress_inside_a_transaction_does_not_abort_the_transaction()
    {
        await using var s = await OpenAsync();
        await StartAsync(s.A, "k");
        var outcome = await s.A.InTransactionAsync(async (tx, ct) =>
        {
            var begun = await tx.TryBeginIdempotentRequestAsync("k", "fp-1", LockTtl, ct);
            await tx.SaveIdempotencyKeyAsync("other", Make.Response(s.Now), Day, ct);
            return begun.Outcome;
        });
        Assert.Equal(IdempotencyBeginOutcome.InProgress, outcome);
        Assert.NotNull(await s.A.GetIdempotencyKeyAsync("other"));
    }

    [Fact]
    public async Task Reading_or_deleting_an_empty_or_overlong_key_fails_with_Validation()
    {
        await using var s = await OpenAsync();
        await ExpectKind.Validation(() => s.A.GetIdempotencyKeyAsync(""));
        await ExpectKind.Validation(() => s.A.GetIdempotencyKeyAsync(new string('k', 256)));
        await ExpectKind.Validation(() => s.A.DeleteIdempotencyKeyAsync(""));
        await ExpectKind.Validation(() => s.A.ReleaseIdempotentRequestAsync("", "token"));
        await ExpectKind.Validation(() => s.A.CompleteIdempotentRequestAsync(new string('k', 256), "token", Make.Response(s.Now), Day));
    }
}
