using Cedros.Storage.Tests.Backends;

namespace Cedros.Storage.Tests.Conformance;

/// <summary>
/// Ambiguous commits (issue 18, beyond the seed): a caller whose first call's outcome is unknown retries with the same
/// <see cref="PaymentTransaction.AttemptId"/>; its own earlier attempt is success, anyone else's row is still a replay.
/// </summary>
public abstract class PaymentAttemptConformance<TFixture>(TFixture fixture) : ConformanceTest<TFixture>(fixture)
    where TFixture : class, IStorageFixture
{
    private const int Callers = 32;

    [Fact]
    public async Task A_retry_with_the_same_attempt_id_succeeds_and_keeps_one_row()
    {
        await using var s = await OpenAsync();
        var tx = Make.Payment(s.Now) with { AttemptId = "attempt-1" };
        await s.A.RecordPaymentAsync(tx);
        await s.A.RecordPaymentAsync(tx);
        Assert.True(await s.A.TryRecordPaymentAsync(tx));
        Assert.Equivalent(tx with { TenantId = "tenant-a" }, await s.A.GetPaymentAsync(tx.Signature), strict: true);
    }

    [Fact]
    public async Task A_different_attempt_id_is_a_replay_and_changes_nothing()
    {
        await using var s = await OpenAsync();
        var tx = Make.Payment(s.Now) with { AttemptId = "attempt-1" };
        await s.A.RecordPaymentAsync(tx);
        var ex = await Assert.ThrowsAsync<PaymentReplayException>(() => s.A.RecordPaymentAsync(tx with { AttemptId = "attempt-2", Amount = 9 }));
        Assert.Equal(new[] { tx.Signature }, ex.Signatures);
        Assert.False(await s.A.TryRecordPaymentAsync(tx with { AttemptId = "attempt-2" }));
        var stored = await s.A.GetPaymentAsync(tx.Signature);
        Assert.Equal("attempt-1", stored!.AttemptId);
        Assert.Equal(tx.Amount, stored.Amount);
    }

    [Fact]
    public async Task Without_an_attempt_id_on_either_side_every_existing_signature_is_a_replay()
    {
        await using var s = await OpenAsync();
        var plain = Make.Payment(s.Now);
        await s.A.RecordPaymentAsync(plain);
        await Assert.ThrowsAsync<PaymentReplayException>(() => s.A.RecordPaymentAsync(plain));
        await Assert.ThrowsAsync<PaymentReplayException>(() => s.A.RecordPaymentAsync(plain with { AttemptId = "late" }));

        var withAttempt = Make.Payment(s.Now) with { AttemptId = "attempt-1" };
        await s.A.RecordPaymentAsync(withAttempt);
        await Assert.ThrowsAsync<PaymentReplayException>(() => s.A.RecordPaymentAsync(withAttempt with { AttemptId = null }));
        Assert.Null((await s.A.GetPaymentAsync(plain.Signature))!.AttemptId);
    }

    [Fact]
    public async Task Another_tenant_presenting_the_same_attempt_id_is_a_replay()
    {
        await using var s = await OpenAsync();
        var tx = Make.Payment(s.Now) with { AttemptId = "attempt-1" };
        await s.A.RecordPaymentAsync(tx);
        await Assert.ThrowsAsync<PaymentReplayException>(() => s.B.RecordPaymentAsync(tx));
        Assert.Null(await s.B.GetPaymentAsync(tx.Signature));
    }

    [Fact]
    public async Task A_batch_retried_with_its_attempt_ids_succeeds_and_one_foreign_signature_still_refuses_it()
    {
        await using var s = await OpenAsync();
        var batch = new[] { Make.Payment(s.Now) with { AttemptId = "batch-1" }, Make.Payment(s.Now) with { AttemptId = "batch-1" } };
        await s.A.RecordPaymentsAsync(batch);
        await s.A.RecordPaymentsAsync(batch);

        var foreign = Make.Payment(s.Now);
        await s.B.RecordPaymentAsync(foreign);
        var fresh = Make.Payment(s.Now) with { AttemptId = "batch-1" };
        var ex = await Assert.ThrowsAsync<PaymentReplayException>(() => s.A.RecordPaymentsAsync([batch[0], fresh, foreign with { AttemptId = "batch-1" }]));
        Assert.Equal(new[] { foreign.Signature }, ex.Signatures);
        Assert.False(await s.A.HasPaymentBeenProcessedAsync(fresh.Signature));
        Assert.Equal(batch[0].Amount, (await s.A.GetPaymentAsync(batch[0].Signature))!.Amount);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task An_empty_attempt_id_is_Validation_and_writes_nothing(string attemptId)
    {
        await using var s = await OpenAsync();
        var tx = Make.Payment(s.Now) with { AttemptId = attemptId };
        var ex = await Assert.ThrowsAnyAsync<StorageException>(() => s.A.RecordPaymentAsync(tx));
        Assert.Equal(StorageErrorKind.Validation, ex.Kind);
        Assert.False(await s.A.HasPaymentBeenProcessedAsync(tx.Signature));
    }

    [Fact]
    public async Task Concurrent_retries_of_one_attempt_all_succeed_and_other_attempts_all_lose()
    {
        await using var s = await OpenAsync();
        const string signature = "attempt-race";
        // Half the callers are one attempt retried at once; the other half each present their own attempt id. Whichever
        // attempt wins, the callers sharing it succeed together and every other caller is refused.
        var outcomes = await Races.RunAsync(Callers, async i =>
        {
            await s.A.RecordPaymentAsync(Make.Payment(s.Now, signature) with { AttemptId = i % 2 == 0 ? "shared" : $"own-{i}", Amount = i });
            return i;
        });
        var stored = await s.A.GetPaymentAsync(signature);
        var winners = outcomes.Where(o => o.Error is null).Select(o => o.Result).ToList();
        Assert.All(outcomes.Where(o => o.Error is not null), o => Assert.IsType<PaymentReplayException>(o.Error));
        if (stored!.AttemptId == "shared")
            Assert.Equal(Enumerable.Range(0, Callers).Where(i => i % 2 == 0).ToList(), winners.Order().ToList());
        else
            Assert.Equal([int.Parse(stored.AttemptId![4..], System.Globalization.CultureInfo.InvariantCulture)], winners);
        Assert.Contains((int)stored.Amount, winners);
    }
}
