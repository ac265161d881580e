using Cedros.Storage.Tests.Backends;

namespace Cedros.Storage.Tests.Conformance;

/// <summary>Contract §7: one-time admin nonces.</summary>
public abstract class AdminNonceConformance<TFixture>(TFixture fixture) : ConformanceTest<TFixture>(fixture)
    where TFixture : class, IStorageFixture
{
    private static async Task<NonceFailureReason> FailsWith(Func<Task> call) =>
        (await Assert.ThrowsAsync<NonceException>(call)).Reason;

    [Fact]
    public async Task A_created_nonce_can_be_consumed()
    {
        await using var s = await OpenAsync();
        var nonce = Make.Nonce(s.Now);
        await s.A.CreateNonceAsync(nonce);
        await s.A.ConsumeNonceAsync(nonce.Id);
    }

    [Fact]
    public async Task Consuming_a_nonce_twice_fails_with_AlreadyConsumed()
    {
        await using var s = await OpenAsync();
        var nonce = Make.Nonce(s.Now);
        await s.A.CreateNonceAsync(nonce);
        await s.A.ConsumeNonceAsync(nonce.Id);
        var ex = await Assert.ThrowsAsync<NonceException>(() => s.A.ConsumeNonceAsync(nonce.Id));
        Assert.Equal(NonceFailureReason.AlreadyConsumed, ex.Reason);
        Assert.Equal(StorageErrorKind.Conflict, ex.Kind);
        Assert.Equal(nonce.Id, ex.NonceId);
    }

    [Fact]
    public async Task Consuming_an_unknown_nonce_fails_with_NotFound()
    {
        await using var s = await OpenAsync();
        var ex = await Assert.ThrowsAsync<NonceException>(() => s.A.ConsumeNonceAsync("no-such-nonce"));
        Assert.Equal(NonceFailureReason.NotFound, ex.Reason);
        Assert.Equal(StorageErrorKind.NotFound, ex.Kind);
    }

    [Fact]
    public async Task A_nonce_is_expired_exactly_at_expires_at()
    {
        await using var s = await OpenAsync();
        var nonce = Make.Nonce(s.Now);
        await s.A.CreateNonceAsync(nonce);
        s.Time.Advance(nonce.ExpiresAt - s.Now);
        var ex = await Assert.ThrowsAsync<NonceException>(() => s.A.ConsumeNonceAsync(nonce.Id));
        Assert.Equal(NonceFailureReason.Expired, ex.Reason);
        Assert.Equal(StorageErrorKind.Expired, ex.Kind);
    }

    [Fact]
    public async Task A_nonce_can_be_consumed_one_microsecond_before_it_expires()
    {
        await using var s = await OpenAsync();
        var nonce = Make.Nonce(s.Now);
        await s.A.CreateNonceAsync(nonce);
        s.Time.Advance(nonce.ExpiresAt - s.Now - TimeSpan.FromMicroseconds(1));
        await s.A.ConsumeNonceAsync(nonce.Id);
    }

    [Fact]
    public async Task Consuming_with_the_expected_purpose_succeeds_once()
    {
        await using var s = await OpenAsync();
        var nonce = Make.Nonce(s.Now, "approve-refund");
        await s.A.CreateNonceAsync(nonce);
        await s.A.ConsumeNonceAsync(nonce.Id, "approve-refund");
        Assert.Equal(NonceFailureReason.AlreadyConsumed, await FailsWith(() => s.A.ConsumeNonceAsync(nonce.Id, "approve-refund")));
    }

    [Fact]
    public async Task A_wrong_purpose_fails_with_WrongPurpose_and_does_not_consume_the_nonce()
    {
        await using var s = await OpenAsync();
        var nonce = Make.Nonce(s.Now, "approve-refund");
        await s.A.CreateNonceAsync(nonce);
        var ex = await Assert.ThrowsAsync<NonceException>(() => s.A.ConsumeNonceAsync(nonce.Id, "list-pending-refunds"));
        Assert.Equal(NonceFailureReason.WrongPurpose, ex.Reason);
        await s.A.ConsumeNonceAsync(nonce.Id, "approve-refund");
    }

    [Fact]
    public async Task Purposes_are_compared_exactly()
    {
        await using var s = await OpenAsync();
        var nonce = Make.Nonce(s.Now, "approve-refund");
        await s.A.CreateNonceAsync(nonce);
        Assert.Equal(NonceFailureReason.WrongPurpose, await FailsWith(() => s.A.ConsumeNonceAsync(nonce.Id, "Approve-Refund")));
    }

    [Fact]
    public async Task NotFound_is_reported_before_a_wrong_purpose()
    {
        await using var s = await OpenAsync();
        Assert.Equal(NonceFailureReason.NotFound, await FailsWith(() => s.A.ConsumeNonceAsync("missing", "any")));
    }

    [Fact]
    public async Task AlreadyConsumed_is_reported_before_Expired()
    {
        await using var s = await OpenAsync();
        var nonce = Make.Nonce(s.Now);
        await s.A.CreateNonceAsync(nonce);
        await s.A.ConsumeNonceAsync(nonce.Id);
        s.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(NonceFailureReason.AlreadyConsumed, await FailsWith(() => s.A.ConsumeNonceAsync(nonce.Id)));
    }

    [Fact]
    public async Task AlreadyConsumed_is_reported_before_a_wrong_purpose()
    {
        await using var s = await OpenAsync();
        var nonce = Make.Nonce(s.Now, "approve-refund");
        await s.A.CreateNonceAsync(nonce);
        await s.A.ConsumeNonceAsync(nonce.Id);
        Assert.Equal(NonceFailureReason.AlreadyConsumed, await FailsWith(() => s.A.ConsumeNonceAsync(nonce.Id, "other")));
    }

    [Fact]
    public async Task Expired_is_reported_before_a_wrong_purpose()
    {
        await using var s = await OpenAsync();
        var nonce = Make.Nonce(s.Now, "approve-refund");
        await s.A.CreateNonceAsync(nonce);
        s.Time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(NonceFailureReason.Expired, await FailsWith(() => s.A.ConsumeNonceAsync(nonce.Id, "other")));
    }

    [Fact]
    public async Task Creating_a_duplicate_id_fails_with_Conflict()
    {
        await using var s = await OpenAsync();
        var nonce = Make.Nonce(s.Now);
        await s.A.CreateNonceAsync(nonce);
        var ex = await Assert.ThrowsAnyAsync<StorageException>(() => s.A.CreateNonceAsync(nonce with { Purpose = "other" }));
        Assert.Equal(StorageErrorKind.Conflict, ex.Kind);
        Assert.Equal(NonceFailureReason.WrongPurpose, await FailsWith(() => s.A.ConsumeNonceAsync(nonce.Id, "other")));
    }

    [Fact]
    public async Task Recreating_a_consumed_nonce_fails_and_never_resets_it()
    {
        await using var s = await OpenAsync();
        var nonce = Make.Nonce(s.Now);
        await s.A.CreateNonceAsync(nonce);
        await s.A.ConsumeNonceAsync(nonce.Id);
        var ex = await Assert.ThrowsAnyAsync<StorageException>(() => s.A.CreateNonceAsync(nonce));
        Assert.Equal(StorageErrorKind.Conflict, ex.Kind);
        Assert.Equal(NonceFailureReason.AlreadyConsumed, await FailsWith(() => s.A.ConsumeNonceAsync(nonce.Id)));
    }

    [Fact]
    public async Task A_nonce_created_already_consumed_is_stored_unconsumed()
    {
        await using var s = await OpenAsync();
        var nonce = Make.Nonce(s.Now) with { ConsumedAt = s.Now };
        await s.A.CreateNonceAsync(nonce);
        await s.A.ConsumeNonceAsync(nonce.Id);
    }

    [Fact]
    public async Task Created_at_defaults_to_now_when_unset()
    {
        await using var s = await OpenAsync();
        // CreatedAt is observable through the rule "expires_at after created_at": with an unset creation time taken as
        // now, an expiry at now (or a microsecond earlier) is rejected, which it would not be against 0001-01-01.
        await ExpectKind.Validation(() => s.A.CreateNonceAsync(Make.Nonce(s.Now) with { CreatedAt = default, ExpiresAt = s.Now }));
        await ExpectKind.Validation(() => s.A.CreateNonceAsync(Make.Nonce(s.Now) with { CreatedAt = default, ExpiresAt = s.Now.AddTicks(-10) }));
        var nonce = Make.Nonce(s.Now) with { CreatedAt = default, ExpiresAt = s.Now.AddTicks(10) };
        await s.A.CreateNonceAsync(nonce);
        await s.A.ConsumeNonceAsync(nonce.Id);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-60)]
    public async Task Expiry_must_be_after_creation_else_Validation_and_nothing_is_written(int seconds)
    {
        await using var s = await OpenAsync();
        var nonce = Make.Nonce(s.Now) with { ExpiresAt = s.Now.AddSeconds(seconds) };
        await Assert.ThrowsAsync<StorageValidationException>(() => s.A.CreateNonceAsync(nonce));
        Assert.Equal(NonceFailureReason.NotFound, await FailsWith(() => s.A.ConsumeNonceAsync(nonce.Id)));
    }

    [Fact]
    public async Task A_nonce_may_be_created_already_past_its_expiry_if_it_expires_after_creation()
    {
        await using var s = await OpenAsync();
        var nonce = Make.Nonce(s.Now.AddHours(-2));
        await s.A.CreateNonceAsync(nonce);
        Assert.Equal(NonceFailureReason.Expired, await FailsWith(() => s.A.ConsumeNonceAsync(nonce.Id)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task Purpose_is_required(string purpose)
    {
        await using var s = await OpenAsync();
        var nonce = Make.Nonce(s.Now, purpose);
        await Assert.ThrowsAsync<StorageValidationException>(() => s.A.CreateNonceAsync(nonce));
        Assert.Equal(NonceFailureReason.NotFound, await FailsWith(() => s.A.ConsumeNonceAsync(nonce.Id)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(256)]
    public async Task A_nonce_id_must_have_1_to_255_characters(int length)
    {
        await using var s = await OpenAsync();
        var nonce = Make.Nonce(s.Now, id: new string('n', length));
        await Assert.ThrowsAsync<StorageValidationException>(() => s.A.CreateNonceAsync(nonce));
    }

    [Fact]
    public async Task Consuming_with_an_empty_expected_purpose_is_a_Validation_error_and_consumes_nothing()
    {
        await using var s = await OpenAsync();
        var nonce = Make.Nonce(s.Now);
        await s.A.CreateNonceAsync(nonce);
        await Assert.ThrowsAsync<StorageValidationException>(() => s.A.ConsumeNonceAsync(nonce.Id, ""));
        await s.A.ConsumeNonceAsync(nonce.Id);
    }

    [Fact]
    public async Task Another_tenants_nonce_is_not_found_and_stays_unconsumed()
    {
        await using var s = await OpenAsync();
        var nonce = Make.Nonce(s.Now);
        await s.A.CreateNonceAsync(nonce);
        Assert.Equal(NonceFailureReason.NotFound, await FailsWith(() => s.B.ConsumeNonceAsync(nonce.Id)));
        Assert.Equal(NonceFailureReason.NotFound, await FailsWith(() => s.B.ConsumeNonceAsync(nonce.Id, nonce.Purpose)));
        await s.A.ConsumeNonceAsync(nonce.Id);
    }

    [Fact]
    public async Task Two_tenants_can_hold_the_same_nonce_id_independently()
    {
        await using var s = await OpenAsync();
        var nonce = Make.Nonce(s.Now);
        await s.A.CreateNonceAsync(nonce);
        await s.B.CreateNonceAsync(nonce with { Purpose = "b-purpose" });
        await s.B.ConsumeNonceAsync(nonce.Id, "b-purpose");
        await s.A.ConsumeNonceAsync(nonce.Id, nonce.Purpose);
    }

    [Fact]
    public async Task CleanupExpiredNonces_deletes_expired_nonces_of_every_tenant_consumed_or_not()
    {
        await using var s = await OpenAsync();
        var expiredA = Make.Nonce(s.Now) with { ExpiresAt = s.Now.AddMinutes(1) };
        var expiredConsumedB = Make.Nonce(s.Now) with { ExpiresAt = s.Now.AddMinutes(1) };
        var atBoundary = Make.Nonce(s.Now) with { ExpiresAt = s.Now.AddMinutes(2) };
        var live = Make.Nonce(s.Now) with { ExpiresAt = s.Now.AddMinutes(2).AddMicroseconds(1) };
        await s.A.CreateNonceAsync(expiredA);
        await s.B.CreateNonceAsync(expiredConsumedB);
        await s.B.ConsumeNonceAsync(expiredConsumedB.Id);
        await s.A.CreateNonceAsync(atBoundary);
        await s.A.CreateNonceAsync(live);
        s.Time.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal(3, await s.A.CleanupExpiredNoncesAsync());
        Assert.Equal(NonceFailureReason.NotFound, await FailsWith(() => s.A.ConsumeNonceAsync(expiredA.Id)));
        Assert.Equal(NonceFailureReason.NotFound, await FailsWith(() => s.B.ConsumeNonceAsync(expiredConsumedB.Id)));
        Assert.Equal(NonceFailureReason.NotFound, await FailsWith(() => s.A.ConsumeNonceAsync(atBoundary.Id)));
        await s.A.ConsumeNonceAsync(live.Id);
        Assert.Equal(0, await s.A.CleanupExpiredNoncesAsync());
    }

    [Fact]
    public async Task CleanupExpiredNonces_works_in_small_batches_until_done()
    {
        await using var s = await OpenAsync(o => o.HousekeepingBatchSize = 3);
        for (var i = 0; i < 10; i++) await (i % 2 == 0 ? s.A : s.B).CreateNonceAsync(Make.Nonce(s.Now));
        s.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(10, await s.A.CleanupExpiredNoncesAsync());
    }

    [Fact]
    public async Task A_nonce_id_can_be_reused_after_cleanup()
    {
        await using var s = await OpenAsync();
        var nonce = Make.Nonce(s.Now);
        await s.A.CreateNonceAsync(nonce);
        s.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(1, await s.A.CleanupExpiredNoncesAsync());
        await s.A.CreateNonceAsync(Make.Nonce(s.Now, id: nonce.Id));
        await s.A.ConsumeNonceAsync(nonce.Id);
    }

    [Fact]
    public async Task A_nonce_consumed_in_a_transaction_that_throws_stays_unconsumed()
    {
        await using var s = await OpenAsync();
        var nonce = Make.Nonce(s.Now);
        await s.A.CreateNonceAsync(nonce);
        await Assert.ThrowsAsync<InvalidOperationException>(() => s.A.InTransactionAsync(async (tx, ct) =>
        {
            await tx.ConsumeNonceAsync(nonce.Id, ct);
            throw new InvalidOperationException("abort");
        }));
        await s.A.ConsumeNonceAsync(nonce.Id);
    }

    [Fact]
    public async Task A_failed_consume_inside_a_transaction_can_be_caught_and_the_transaction_commits()
    {
        await using var s = await OpenAsync();
        var nonce = Make.Nonce(s.Now);
        await s.A.InTransactionAsync(async (tx, ct) =>
        {
            var ex = await Assert.ThrowsAsync<NonceException>(() => tx.ConsumeNonceAsync("missing", ct));
            Assert.Equal(NonceFailureReason.NotFound, ex.Reason);
            await tx.CreateNonceAsync(nonce, ct);
        });
        await s.A.ConsumeNonceAsync(nonce.Id);
    }

    [Fact]
    public async Task Consuming_an_empty_or_overlong_nonce_id_fails_with_Validation()
    {
        await using var s = await OpenAsync();
        await ExpectKind.Validation(() => s.A.ConsumeNonceAsync(""));
        await ExpectKind.Validation(() => s.A.ConsumeNonceAsync(new string('n', 256), "approve-refund"));
    }
}
