using Cedros.Storage.Internal;
using Cedros.Storage.Tests.Backends;

namespace Cedros.Storage.Tests.Conformance;

/// <summary>Contract §6: the payment ledger (replay protection).</summary>
public abstract class PaymentLedgerConformance<TFixture>(TFixture fixture) : ConformanceTest<TFixture>(fixture)
    where TFixture : class, IStorageFixture
{
    [Fact]
    public async Task A_recorded_payment_reads_back_exactly_with_the_handles_tenant()
    {
        await using var s = await OpenAsync();
        var tx = Make.Payment(s.Now) with { TenantId = "tenant-b" };
        await s.A.RecordPaymentAsync(tx);
        Assert.Equivalent(tx with { TenantId = "tenant-a" }, await s.A.GetPaymentAsync(tx.Signature), strict: true);
        Assert.Null(await s.B.GetPaymentAsync(tx.Signature));
    }

    [Fact]
    public async Task Created_at_round_trips_at_microsecond_precision()
    {
        await using var s = await OpenAsync();
        var tx = Make.Payment(Start);
        await s.A.RecordPaymentAsync(tx);
        var read = await s.A.GetPaymentAsync(tx.Signature);
        Assert.Equal(StorageTime.Micro(Start), read!.CreatedAt);
        Assert.Equal(Start.UtcTicks - (Start.UtcTicks % 10), read.CreatedAt.UtcTicks);
        Assert.Equal(TimeSpan.Zero, read.CreatedAt.Offset);
    }

    [Fact]
    public async Task Created_at_defaults_to_now_when_unset()
    {
        await using var s = await OpenAsync();
        var tx = Make.Payment(s.Now) with { CreatedAt = default };
        await s.A.RecordPaymentAsync(tx);
        Assert.Equal(s.Now, (await s.A.GetPaymentAsync(tx.Signature))!.CreatedAt);
    }

    [Fact]
    public async Task A_non_utc_created_at_is_stored_as_the_same_instant_in_utc()
    {
        await using var s = await OpenAsync();
        var local = new DateTimeOffset(2026, 3, 1, 14, 0, 0, TimeSpan.FromHours(2));
        var tx = Make.Payment(local);
        await s.A.RecordPaymentAsync(tx);
        var read = (await s.A.GetPaymentAsync(tx.Signature))!.CreatedAt;
        Assert.Equal(local, read);
        Assert.Equal(TimeSpan.Zero, read.Offset);
    }

    [Fact]
    public async Task Empty_metadata_round_trips_as_empty()
    {
        await using var s = await OpenAsync();
        var tx = Make.Payment(s.Now) with { Metadata = new Dictionary<string, string>() };
        await s.A.RecordPaymentAsync(tx);
        Assert.Empty((await s.A.GetPaymentAsync(tx.Signature))!.Metadata);
    }

    [Fact]
    public async Task Recording_a_signature_twice_throws_PaymentReplayException_and_keeps_the_first()
    {
        await using var s = await OpenAsync();
        var tx = Make.Payment(s.Now);
        await s.A.RecordPaymentAsync(tx);
        var ex = await Assert.ThrowsAsync<PaymentReplayException>(() => s.A.RecordPaymentAsync(tx with { Amount = 5, ResourceId = "other" }));
        Assert.Equal(StorageErrorKind.Conflict, ex.Kind);
        Assert.Equal(new[] { tx.Signature }, ex.Signatures);
        Assert.Equivalent(tx with { TenantId = "tenant-a" }, await s.A.GetPaymentAsync(tx.Signature), strict: true);
    }

    [Fact]
    public async Task A_signature_recorded_in_tenant_A_is_refused_in_tenant_B_without_revealing_As_data()
    {
        await using var s = await OpenAsync();
        var tx = Make.Payment(s.Now) with { ResourceId = "secret-resource", Wallet = "SecretWallet999" };
        await s.A.RecordPaymentAsync(tx);
        var ex = await Assert.ThrowsAsync<PaymentReplayException>(() => s.B.RecordPaymentAsync(tx with { ResourceId = "b-res" }));
        Assert.DoesNotContain("tenant-a", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-resource", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SecretWallet999", ex.Message, StringComparison.Ordinal);
        Assert.Null(await s.B.GetPaymentAsync(tx.Signature));
        Assert.Equal("secret-resource", (await s.A.GetPaymentAsync(tx.Signature))!.ResourceId);
    }

    [Fact]
    public async Task TryRecordPayment_returns_true_the_first_time_and_false_on_replay()
    {
        await using var s = await OpenAsync();
        var tx = Make.Payment(s.Now);
        Assert.True(await s.A.TryRecordPaymentAsync(tx));
        Assert.False(await s.A.TryRecordPaymentAsync(tx with { Amount = 7 }));
        Assert.Equal(tx.Amount, (await s.A.GetPaymentAsync(tx.Signature))!.Amount);
    }

    [Fact]
    public async Task TryRecordPayment_returns_false_for_a_signature_of_another_tenant()
    {
        await using var s = await OpenAsync();
        var tx = Make.Payment(s.Now);
        await s.A.RecordPaymentAsync(tx);
        Assert.False(await s.B.TryRecordPaymentAsync(tx));
        Assert.Null(await s.B.GetPaymentAsync(tx.Signature));
    }

    [Fact]
    public async Task TryRecordPayment_still_rejects_invalid_input_with_Validation()
    {
        await using var s = await OpenAsync();
        var tx = Make.Payment(s.Now) with { Amount = -1 };
        await Assert.ThrowsAsync<StorageValidationException>(() => s.A.TryRecordPaymentAsync(tx));
        Assert.False(await s.A.HasPaymentBeenProcessedAsync(tx.Signature));
    }

    [Fact]
    public async Task HasPaymentBeenProcessed_is_false_for_an_unknown_signature()
    {
        await using var s = await OpenAsync();
        Assert.False(await s.A.HasPaymentBeenProcessedAsync("never-seen"));
    }

    [Fact]
    public async Task HasPaymentBeenProcessed_answers_for_every_tenant()
    {
        await using var s = await OpenAsync();
        var tx = Make.Payment(s.Now);
        await s.A.RecordPaymentAsync(tx);
        Assert.True(await s.A.HasPaymentBeenProcessedAsync(tx.Signature));
        Assert.True(await s.B.HasPaymentBeenProcessedAsync(tx.Signature));
    }

    [Fact]
    public async Task Signatures_are_compared_exactly_not_case_insensitively()
    {
        await using var s = await OpenAsync();
        await s.A.RecordPaymentAsync(Make.Payment(s.Now, "SigAbc"));
        Assert.False(await s.A.HasPaymentBeenProcessedAsync("sigabc"));
        await s.A.RecordPaymentAsync(Make.Payment(s.Now, "sigabc"));
        Assert.True(await s.A.HasPaymentBeenProcessedAsync("sigabc"));
    }

    [Fact]
    public async Task GetPayment_returns_null_for_a_missing_signature()
    {
        await using var s = await OpenAsync();
        Assert.Null(await s.A.GetPaymentAsync("missing-sig"));
    }

    [Theory]
    [InlineData("empty signature")]
    [InlineData("long signature")]
    [InlineData("empty resource")]
    [InlineData("negative amount")]
    [InlineData("long wallet")]
    [InlineData("null metadata value")]
    public async Task An_invalid_payment_is_rejected_with_Validation_and_nothing_is_written(string problem)
    {
        await using var s = await OpenAsync();
        var valid = Make.Payment(s.Now);
        var tx = problem switch
        {
            "empty signature" => valid with { Signature = "" },
            "long signature" => valid with { Signature = new string('s', 256) },
            "empty resource" => valid with { ResourceId = "" },
            "negative amount" => valid with { Amount = -1 },
            "long wallet" => valid with { Wallet = new string('w', 4097) },
            _ => valid with { Metadata = new Dictionary<string, string> { ["k"] = null! } },
        };
        await Assert.ThrowsAsync<StorageValidationException>(() => s.A.RecordPaymentAsync(tx));
        if (tx.Signature.Length is > 0 and <= 255) Assert.False(await s.A.HasPaymentBeenProcessedAsync(tx.Signature));
        Assert.True(await s.A.TryRecordPaymentAsync(valid));
    }

    [Fact]
    public async Task A_signature_of_exactly_255_characters_is_accepted()
    {
        await using var s = await OpenAsync();
        var tx = Make.Payment(s.Now, new string('x', 255));
        await s.A.RecordPaymentAsync(tx);
        Assert.True(await s.A.HasPaymentBeenProcessedAsync(tx.Signature));
    }

    [Fact]
    public async Task RecordPayments_writes_every_payment_of_the_batch()
    {
        await using var s = await OpenAsync();
        var batch = Enumerable.Range(0, 3).Select(_ => Make.Payment(s.Now)).ToArray();
        await s.A.RecordPaymentsAsync(batch);
        foreach (var tx in batch)
            Assert.Equivalent(tx with { TenantId = "tenant-a" }, await s.A.GetPaymentAsync(tx.Signature), strict: true);
    }

    [Fact]
    public async Task RecordPayments_with_an_empty_batch_does_nothing()
    {
        await using var s = await OpenAsync();
        var earlier = Make.Payment(s.Now);
        await s.A.RecordPaymentAsync(earlier);

        await s.A.RecordPaymentsAsync([]);

        // The ledger still holds exactly the one payment, unchanged: archiving everything moves exactly one row.
        Assert.Equivalent(earlier with { TenantId = "tenant-a" }, await s.A.GetPaymentAsync(earlier.Signature), strict: true);
        Assert.Equal(1, await s.A.ArchiveOldPaymentsAsync(s.Now.AddYears(1)));
        await s.A.RecordPaymentsAsync([]);
        Assert.Equal(0, await s.A.ArchiveOldPaymentsAsync(s.Now.AddYears(1)));
    }

    [Fact]
    public async Task Options_the_validator_rejects_are_rejected_when_the_storage_is_opened()
    {
        // The same check on every backend: OpenAsync, DI and the in-memory constructor alike.
        var ex = await Assert.ThrowsAsync<StorageConfigurationException>(() =>
            Fixture.CreateStorageAsync(TimeProvider.System, o => o.SchemaMapping.Payments = "x;drop"));
        Assert.Equal("storage.schema_mapping.payments.table_name", ex.Key);
        await Assert.ThrowsAsync<StorageConfigurationException>(() =>
            Fixture.CreateStorageAsync(TimeProvider.System, o => o.HousekeepingBatchSize = 0));
    }

    [Fact]
    public async Task RecordPayments_with_one_already_recorded_signature_writes_none_and_names_it()
    {
        await using var s = await OpenAsync();
        var old = Make.Payment(s.Now);
        await s.A.RecordPaymentAsync(old);
        var fresh1 = Make.Payment(s.Now);
        var fresh2 = Make.Payment(s.Now);
        var ex = await Assert.ThrowsAsync<PaymentReplayException>(() => s.A.RecordPaymentsAsync([fresh1, old, fresh2]));
        Assert.Equal(new[] { old.Signature }, ex.Signatures);
        Assert.False(await s.A.HasPaymentBeenProcessedAsync(fresh1.Signature));
        Assert.False(await s.A.HasPaymentBeenProcessedAsync(fresh2.Signature));
    }

    [Fact]
    public async Task RecordPayments_with_a_signature_repeated_inside_the_batch_is_Validation_naming_the_repeat_and_writes_none()
    {
        // A repeat inside one batch is the caller's bug, not a replay (decisions.md): Validation, not PaymentReplayException.
        await using var s = await OpenAsync();
        var a = Make.Payment(s.Now);
        var b = Make.Payment(s.Now);
        var ex = await Assert.ThrowsAsync<StorageValidationException>(() => s.A.RecordPaymentsAsync([a, b, a with { Amount = 3 }]));
        Assert.Equal("signature", ex.Field);
        Assert.Equal(2, ex.ItemIndex);
        Assert.Contains(a.Signature, ex.Message, StringComparison.Ordinal);
        Assert.False(await s.A.HasPaymentBeenProcessedAsync(a.Signature));
        Assert.False(await s.A.HasPaymentBeenProcessedAsync(b.Signature));
    }

    [Fact]
    public async Task RecordPayments_lists_every_offending_signature()
    {
        await using var s = await OpenAsync();
        var recordedA = Make.Payment(s.Now);
        var recordedB = Make.Payment(s.Now);
        await s.A.RecordPaymentAsync(recordedA);
        await s.B.RecordPaymentAsync(recordedB);
        var fresh = Make.Payment(s.Now);
        var ex = await Assert.ThrowsAsync<PaymentReplayException>(() =>
            s.A.RecordPaymentsAsync([recordedA, fresh, recordedB]));
        Assert.Equal(new[] { recordedA.Signature, recordedB.Signature }, ex.Signatures);
        Assert.False(await s.A.HasPaymentBeenProcessedAsync(fresh.Signature));
    }

    [Fact]
    public async Task RecordPayments_with_an_invalid_item_names_the_item_and_writes_none()
    {
        await using var s = await OpenAsync();
        var good = Make.Payment(s.Now);
        var ex = await Assert.ThrowsAsync<StorageValidationException>(() =>
            s.A.RecordPaymentsAsync([good, Make.Payment(s.Now) with { Amount = -5 }]));
        Assert.Equal(1, ex.ItemIndex);
        Assert.False(await s.A.HasPaymentBeenProcessedAsync(good.Signature));
    }

    [Fact]
    public async Task RecordPayments_with_more_than_ten_thousand_items_is_rejected_with_Validation()
    {
        await using var s = await OpenAsync();
        var batch = Enumerable.Range(0, 10_001).Select(i => Make.Payment(s.Now, $"big-{i}")).ToArray();
        await Assert.ThrowsAsync<StorageValidationException>(() => s.A.RecordPaymentsAsync(batch));
        Assert.False(await s.A.HasPaymentBeenProcessedAsync("big-0"));
    }

    [Fact]
    public async Task RecordPayments_stamps_the_handles_tenant_on_every_item()
    {
        await using var s = await OpenAsync();
        var tx = Make.Payment(s.Now) with { TenantId = "tenant-a" };
        await s.B.RecordPaymentsAsync([tx]);
        Assert.Null(await s.A.GetPaymentAsync(tx.Signature));
        Assert.Equal("tenant-b", (await s.B.GetPaymentAsync(tx.Signature))!.TenantId);
    }

    [Fact]
    public async Task A_recorded_payment_keeps_its_metadata_when_the_caller_changes_the_map_afterwards()
    {
        // Validation checks a payment's metadata without copying it (the SQL backends serialise it within the call); the
        // stored payment must still not share the caller's map. 60 payments: PostgreSQL's COPY path for batches.
        await using var s = await OpenAsync();
        var single = new Dictionary<string, string> { ["order"] = "o-1" };
        var shared = new Dictionary<string, string> { ["order"] = "o-2" };
        var one = Make.Payment(s.Now) with { Metadata = single };
        var batch = Enumerable.Range(0, 60).Select(_ => Make.Payment(s.Now) with { Metadata = shared }).ToList();
        await s.A.RecordPaymentAsync(one);
        await s.A.RecordPaymentsAsync(batch);

        single["order"] = "changed";
        single["added"] = "x";
        shared["order"] = "changed";

        var stored = Assert.Single((await s.A.GetPaymentAsync(one.Signature))!.Metadata);
        Assert.Equal(KeyValuePair.Create("order", "o-1"), stored);
        foreach (var payment in new[] { batch[0], batch[^1] })
        {
            var metadata = Assert.Single((await s.A.GetPaymentAsync(payment.Signature))!.Metadata);
            Assert.Equal(KeyValuePair.Create("order", "o-2"), metadata);
        }
    }

    [Fact]
    public async Task ArchiveOldPayments_moves_rows_older_than_the_cutoff_across_tenants_and_returns_the_count()
    {
        await using var s = await OpenAsync();
        var cutoff = s.Now.AddDays(-90);
        var oldA = Make.Payment(cutoff.AddDays(-1));
        var oldB = Make.Payment(cutoff.AddMicroseconds(-1));
        var atCutoff = Make.Payment(cutoff);
        var recent = Make.Payment(s.Now);
        await s.A.RecordPaymentsAsync([oldA, atCutoff, recent]);
        await s.B.RecordPaymentAsync(oldB);

        Assert.Equal(2, await s.A.ArchiveOldPaymentsAsync(cutoff));
        Assert.Equal(0, await s.A.ArchiveOldPaymentsAsync(cutoff));
        Assert.NotNull(await s.A.GetPaymentAsync(atCutoff.Signature));
        Assert.NotNull(await s.A.GetPaymentAsync(recent.Signature));
    }

    [Fact]
    public async Task ArchiveOldPayments_returns_zero_when_nothing_is_old_enough()
    {
        await using var s = await OpenAsync();
        await s.A.RecordPaymentAsync(Make.Payment(s.Now));
        Assert.Equal(0, await s.A.ArchiveOldPaymentsAsync(s.Now));
    }

    [Fact]
    public async Task Replay_is_still_refused_after_archival()
    {
        await using var s = await OpenAsync();
        var old = Make.Payment(s.Now.AddDays(-91));
        await s.A.RecordPaymentAsync(old);
        Assert.Equal(1, await s.A.ArchiveOldPaymentsAsync(s.Now.AddDays(-90)));

        await Assert.ThrowsAsync<PaymentReplayException>(() => s.A.RecordPaymentAsync(old with { CreatedAt = s.Now }));
        await Assert.ThrowsAsync<PaymentReplayException>(() => s.B.RecordPaymentAsync(old with { CreatedAt = s.Now }));
        Assert.False(await s.A.TryRecordPaymentAsync(old));
        var ex = await Assert.ThrowsAsync<PaymentReplayException>(() => s.A.RecordPaymentsAsync([Make.Payment(s.Now), old]));
        Assert.Equal(new[] { old.Signature }, ex.Signatures);
    }

    [Fact]
    public async Task HasPaymentBeenProcessed_stays_true_after_archival_for_every_tenant()
    {
        await using var s = await OpenAsync();
        var old = Make.Payment(s.Now.AddDays(-91));
        await s.A.RecordPaymentAsync(old);
        await s.A.ArchiveOldPaymentsAsync(s.Now.AddDays(-90));
        Assert.True(await s.A.HasPaymentBeenProcessedAsync(old.Signature));
        Assert.True(await s.B.HasPaymentBeenProcessedAsync(old.Signature));
    }

    [Fact]
    public async Task GetPayment_still_finds_an_archived_payment_of_the_tenant()
    {
        await using var s = await OpenAsync();
        var old = Make.Payment(s.Now.AddDays(-91));
        await s.A.RecordPaymentAsync(old);
        await s.A.ArchiveOldPaymentsAsync(s.Now.AddDays(-90));
        Assert.Equivalent(old with { TenantId = "tenant-a" }, await s.A.GetPaymentAsync(old.Signature), strict: true);
        Assert.Null(await s.B.GetPaymentAsync(old.Signature));
    }

    [Fact]
    public async Task ArchiveOldPayments_works_in_small_batches_until_every_row_is_moved()
    {
        await using var s = await OpenAsync(o => o.HousekeepingBatchSize = 3);
        var old = Enumerable.Range(0, 10).Select(i => Make.Payment(s.Now.AddDays(-100).AddMinutes(i))).ToArray();
        await s.A.RecordPaymentsAsync(old[..5]);
        await s.B.RecordPaymentsAsync(old[5..]);
        Assert.Equal(10, await s.A.ArchiveOldPaymentsAsync(s.Now.AddDays(-90)));
        foreach (var tx in old) Assert.True(await s.A.HasPaymentBeenProcessedAsync(tx.Signature));
        Assert.Equal(0, await s.A.ArchiveOldPaymentsAsync(s.Now.AddDays(-90)));
    }

    [Fact]
    public async Task ArchiveOldPayments_reports_the_running_total_after_each_batch()
    {
        await using var s = await OpenAsync(o => o.HousekeepingBatchSize = 3);
        var old = Enumerable.Range(0, 7).Select(i => Make.Payment(s.Now.AddDays(-100).AddMinutes(i))).ToArray();
        await s.A.RecordPaymentsAsync(old[..4]);
        await s.B.RecordPaymentsAsync(old[4..]);
        var reports = new SyncProgress();
        Assert.Equal(7, await s.A.ArchiveOldPaymentsAsync(s.Now.AddDays(-90), reports));
        Assert.Equal([3L, 6L, 7L], reports.Values);
        var none = new SyncProgress();
        Assert.Equal(0, await s.A.ArchiveOldPaymentsAsync(s.Now.AddDays(-90), none));
        Assert.Empty(none.Values);
        Assert.Equal(0, await s.A.ArchiveOldPaymentsAsync(s.Now.AddDays(-90), progress: null));
    }

    [Fact]
    public async Task With_an_empty_archive_table_ArchiveOldPayments_deletes_the_rows()
    {
        await using var s = await OpenAsync(o => o.Archival.ArchiveTable = "");
        var old = Make.Payment(s.Now.AddDays(-91));
        var recent = Make.Payment(s.Now);
        await s.A.RecordPaymentsAsync([old, recent]);
        Assert.Equal(1, await s.A.ArchiveOldPaymentsAsync(s.Now.AddDays(-90)));
        Assert.False(await s.A.HasPaymentBeenProcessedAsync(old.Signature));
        Assert.Null(await s.A.GetPaymentAsync(old.Signature));
        Assert.True(await s.A.HasPaymentBeenProcessedAsync(recent.Signature));
        // The documented risk of deleting: a deleted signature can be presented again.
        Assert.True(await s.A.TryRecordPaymentAsync(old));
    }

    [Fact]
    public async Task Deleting_archival_also_works_in_small_batches_until_done()
    {
        await using var s = await OpenAsync(o => { o.Archival.ArchiveTable = ""; o.HousekeepingBatchSize = 3; });
        var old = Enumerable.Range(0, 10).Select(i => Make.Payment(s.Now.AddDays(-100).AddSeconds(i))).ToArray();
        await s.A.RecordPaymentsAsync(old);
        Assert.Equal(10, await s.A.ArchiveOldPaymentsAsync(s.Now.AddDays(-90)));
        foreach (var tx in old) Assert.False(await s.A.HasPaymentBeenProcessedAsync(tx.Signature));
    }

    [Fact]
    public async Task A_custom_archive_table_name_archives_the_same_way()
    {
        await using var s = await OpenAsync(o => o.Archival.ArchiveTable = "payments_cold");
        var old = Make.Payment(s.Now.AddDays(-91));
        await s.A.RecordPaymentAsync(old);
        Assert.Equal(1, await s.A.ArchiveOldPaymentsAsync(s.Now.AddDays(-90)));
        Assert.True(await s.B.HasPaymentBeenProcessedAsync(old.Signature));
    }

    /// <summary>
    /// Issue 13: 16 callers replay signatures older than the retention period, from both tenants and through every
    /// recording call, while <c>ArchiveOldPaymentsAsync</c> moves exactly those rows in small batches. Not one replay
    /// may be accepted, and afterwards every signature is in exactly one table with the original row. (On PostgreSQL
    /// before the archive guard, about one replay in a hundred that hit a batch in flight was accepted.)
    /// </summary>
    [Fact]
    public async Task Replays_racing_archival_are_all_refused_and_each_signature_stays_in_exactly_one_table()
    {
        const int payments = 2_000, replayers = 16, rounds = 3;
        await using var s = await OpenAsync(o => o.HousekeepingBatchSize = 200);
        var cutoff = s.Now.AddDays(-90);
        var accepted = new List<string>();
        long replays = 0;
        var everyOriginal = new List<PaymentTransaction>();
        var markers = new List<string>();
        for (var round = 0; round < rounds; round++)
        {
            var originals = Enumerable.Range(0, payments)
                .Select(i => Make.Payment(cutoff.AddDays(-1).AddSeconds(i), $"aged-{round}-{i:D5}") with { ResourceId = $"original-{i}" })
                .ToArray();
            await s.A.RecordPaymentsAsync(originals);
            everyOriginal.AddRange(originals);
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var archived = new CancellationTokenSource();
            var archiver = Task.Run(async () =>
            {
                await start.Task;
                try
                {
                    return await s.A.ArchiveOldPaymentsAsync(cutoff);
                }
                finally
                {
                    await archived.CancelAsync();
                }
            });
            var round1 = round;
            var callers = Enumerable.Range(0, replayers).Select(k => Task.Run(async () =>
            {
                var random = new Random(1_000 * round1 + k);
                var handle = k % 2 == 0 ? s.A : s.B;
                var won = new List<string>();
                var marks = new List<string>();
                var calls = 0;
                await start.Task;
                // Keep replaying until the archiver is done (and at least a few times each).
                while (!archived.IsCancellationRequested || calls < 25)
                {
                    calls++;
                    var replay = originals[random.Next(payments)] with { ResourceId = $"replay-{k}", Amount = 1, CreatedAt = s.Now };
                    switch (k % 8)
                    {
                        case 6: // single record: a replay must throw
                            try
                            {
                                await handle.RecordPaymentAsync(replay);
                                won.Add(replay.Signature);
                            }
                            catch (PaymentReplayException ex)
                            {
                                Assert.Equal(new[] { replay.Signature }, ex.Signatures);
                            }
                            break;
                        case 7: // batch with a fresh payment: all or nothing, the replay named
                            var fresh = Make.Payment(s.Now, $"fresh-{round1}-{k}-{calls}");
                            try
                            {
                                await handle.RecordPaymentsAsync([fresh, replay]);
                                won.Add(replay.Signature);
                            }
                            catch (PaymentReplayException ex)
                            {
                                Assert.Equal(new[] { replay.Signature }, ex.Signatures);
                                marks.Add(fresh.Signature);
                            }
                            break;
                        case 5: // inside a transaction: the refused replay leaves the transaction usable
                            var marker = Make.Payment(s.Now, $"marker-{round1}-{k}-{calls}");
                            var ok = await handle.InTransactionAsync(async (tx, ct) =>
                            {
                                var recorded = await tx.TryRecordPaymentAsync(replay, ct);
                                await tx.RecordPaymentAsync(marker, ct);
                                return recorded;
                            });
                            if (ok) won.Add(replay.Signature);
                            marks.Add("+" + marker.Signature);
                            break;
                        default:
                            if (await handle.TryRecordPaymentAsync(replay)) won.Add(replay.Signature);
                            break;
                    }
                }
                return (Calls: calls, Won: won, Marks: marks);
            })).ToArray();
            start.SetResult();
            var results = await Task.WhenAll(callers);
            Assert.Equal(payments, await archiver);
            foreach (var r in results)
            {
                replays += r.Calls;
                accepted.AddRange(r.Won);
                markers.AddRange(r.Marks);
            }
        }

        Assert.True(accepted.Count == 0,
            $"{accepted.Count} of {replays} replays racing archival were accepted on {Fixture.Name}, e.g. {string.Join(", ", accepted.Take(5))}");
        var signatures = everyOriginal.Select(p => p.Signature).ToArray();
        // Every signature in exactly one table (the archive): no replayer's row anywhere, none in both.
        if (Fixture is IDatabaseFixture database)
            Assert.Equal(new PaymentTableCounts(0, signatures.Length, 0), await database.CountPaymentRowsAsync(s.Storage, signatures));
        // Through the API: the original row, under its own tenant only (all of them without a table probe, else a sample).
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 8 };
        var step = Fixture is IDatabaseFixture ? 10 : 1;
        await Parallel.ForEachAsync(everyOriginal.Where((_, i) => i % step == 0), parallel, async (original, ct) =>
        {
            Assert.Equivalent(original with { TenantId = "tenant-a" }, await s.A.GetPaymentAsync(original.Signature, ct), strict: true);
            Assert.Null(await s.B.GetPaymentAsync(original.Signature, ct));
        });
        // A refused batch wrote nothing; a transaction that saw a refused replay still committed its marker.
        await Parallel.ForEachAsync(markers, parallel, async (mark, ct) =>
            Assert.Equal(mark.StartsWith('+'), await s.A.HasPaymentBeenProcessedAsync(mark.TrimStart('+'), ct)));
    }

    /// <summary>Issue 13: <c>storage.archival.archive_table</c> may change between starts of an existing database; the
    /// new archive table is created, recording and archival keep working, and replays of signatures archived under the
    /// new name are refused. (The in-memory backend has no database to reopen: it checks the same calls on a storage
    /// opened with the new name.)</summary>
    [Fact]
    public async Task Changing_the_archive_table_of_an_existing_database_keeps_recording_archival_and_replay_protection()
    {
        await using var first = await OpenAsync();
        var before = Make.Payment(first.Now.AddDays(-100));
        await first.A.RecordPaymentAsync(before);

        var storage = Fixture is IDatabaseFixture database
            ? await database.ReopenAsync(first.Storage, first.Time, o => o.Archival.ArchiveTable = "payments_old")
            : await Fixture.CreateStorageAsync(first.Time, o => o.Archival.ArchiveTable = "payments_old");
        await using var reopened = new TestStorage(storage, first.Time);
        if (Fixture is IDatabaseFixture) Assert.True(await reopened.A.HasPaymentBeenProcessedAsync(before.Signature));
        else await reopened.A.RecordPaymentAsync(before);

        var recent = Make.Payment(reopened.Now);
        await reopened.A.RecordPaymentAsync(recent);
        Assert.True(await reopened.A.TryRecordPaymentAsync(Make.Payment(reopened.Now)));
        var old = Make.Payment(reopened.Now.AddDays(-95));
        await reopened.B.RecordPaymentsAsync([old, Make.Payment(reopened.Now)]);

        Assert.Equal(2, await reopened.A.ArchiveOldPaymentsAsync(reopened.Now.AddDays(-90)));
        if (Fixture is IDatabaseFixture probe)
            Assert.Equal(new PaymentTableCounts(0, 2, 0), await probe.CountPaymentRowsAsync(storage, [before.Signature, old.Signature]));
        foreach (var archived in new[] { before, old })
        {
            Assert.False(await reopened.A.TryRecordPaymentAsync(archived with { CreatedAt = reopened.Now }));
            Assert.False(await reopened.B.TryRecordPaymentAsync(archived with { CreatedAt = reopened.Now }));
            await Assert.ThrowsAsync<PaymentReplayException>(() => reopened.A.RecordPaymentAsync(archived with { CreatedAt = reopened.Now }));
            var ex = await Assert.ThrowsAsync<PaymentReplayException>(() => reopened.B.RecordPaymentsAsync([Make.Payment(reopened.Now), archived]));
            Assert.Equal(new[] { archived.Signature }, ex.Signatures);
        }
        Assert.Equivalent(before with { TenantId = "tenant-a" }, await reopened.A.GetPaymentAsync(before.Signature), strict: true);
        Assert.Equivalent(old with { TenantId = "tenant-b" }, await reopened.B.GetPaymentAsync(old.Signature), strict: true);
    }

    [Fact]
    public async Task RecordPayments_accepts_a_batch_of_exactly_ten_thousand()
    {
        await using var s = await OpenAsync();
        var batch = Enumerable.Range(0, 10_000).Select(i => Make.Payment(s.Now, $"max-{i}")).ToArray();
        await s.A.RecordPaymentsAsync(batch);
        Assert.True(await s.B.HasPaymentBeenProcessedAsync("max-0"));
        Assert.True(await s.B.HasPaymentBeenProcessedAsync("max-9999"));
    }

    // Large batches take each backend's bulk path (PostgreSQL: a binary COPY, falling back to the checking statement
    // when a signature is recorded; SQLite: one archive query for the batch, then one prepared insert per row).

    [Fact]
    public async Task RecordPayments_of_ten_thousand_with_one_recorded_signature_at_the_end_writes_none_and_names_it()
    {
        await using var s = await OpenAsync();
        var old = Make.Payment(s.Now, "bulk-old");
        await s.B.RecordPaymentAsync(old);
        var batch = Enumerable.Range(0, 9_999).Select(i => Make.Payment(s.Now, $"bulk-{i}")).Append(old).ToArray();
        var ex = await Assert.ThrowsAsync<PaymentReplayException>(() => s.A.RecordPaymentsAsync(batch));
        Assert.Equal(new[] { old.Signature }, ex.Signatures);
        Assert.False(await s.A.HasPaymentBeenProcessedAsync("bulk-0"));
        Assert.False(await s.A.HasPaymentBeenProcessedAsync("bulk-9998"));
        Assert.Equivalent(old with { TenantId = "tenant-b" }, await s.B.GetPaymentAsync(old.Signature), strict: true);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(500)]
    public async Task RecordPayments_with_a_signature_that_is_only_in_the_archive_writes_none_and_names_it(int size)
    {
        await using var s = await OpenAsync();
        var archived = Make.Payment(s.Now.AddDays(-91));
        await s.B.RecordPaymentAsync(archived);
        Assert.Equal(1, await s.A.ArchiveOldPaymentsAsync(s.Now.AddDays(-90)));

        var batch = Enumerable.Range(0, size - 1).Select(i => Make.Payment(s.Now, $"arch-{size}-{i}")).ToList();
        batch.Insert(size / 2, archived with { CreatedAt = s.Now });
        var ex = await Assert.ThrowsAsync<PaymentReplayException>(() => s.A.RecordPaymentsAsync(batch));
        Assert.Equal(new[] { archived.Signature }, ex.Signatures);
        Assert.False(await s.A.HasPaymentBeenProcessedAsync($"arch-{size}-0"));
        Assert.False(await s.A.HasPaymentBeenProcessedAsync($"arch-{size}-{size - 2}"));
        // Nothing of the batch reached the ledger: archiving everything finds no row.
        Assert.Equal(0, await s.A.ArchiveOldPaymentsAsync(s.Now.AddYears(1)));
    }

    [Fact]
    public async Task A_large_batch_names_every_recorded_signature_in_batch_order_ledger_and_archive_alike()
    {
        await using var s = await OpenAsync();
        var archived = Make.Payment(s.Now.AddDays(-91), "mix-archived");
        await s.A.RecordPaymentAsync(archived);
        await s.A.ArchiveOldPaymentsAsync(s.Now.AddDays(-90));
        var hotA = Make.Payment(s.Now, "mix-hot-a");
        var hotB = Make.Payment(s.Now, "mix-hot-b");
        await s.B.RecordPaymentsAsync([hotA, hotB]);

        var batch = Enumerable.Range(0, 300).Select(i => Make.Payment(s.Now, $"mix-{i}")).ToList();
        batch.Insert(10, hotB);
        batch.Insert(100, archived with { CreatedAt = s.Now });
        batch.Insert(250, hotA);
        var ex = await Assert.ThrowsAsync<PaymentReplayException>(() => s.A.RecordPaymentsAsync(batch));
        Assert.Equal(new[] { hotB.Signature, archived.Signature, hotA.Signature }, ex.Signatures);
        Assert.False(await s.A.HasPaymentBeenProcessedAsync("mix-0"));
    }

    [Fact]
    public async Task A_refused_large_batch_inside_a_transaction_undoes_only_itself()
    {
        await using var s = await OpenAsync();
        var old = Make.Payment(s.Now, "txn-old");
        await s.A.RecordPaymentAsync(old);
        var before = Make.Payment(s.Now, "txn-before");
        var after = Make.Payment(s.Now, "txn-after");
        var batch = Enumerable.Range(0, 200).Select(i => Make.Payment(s.Now, $"txn-{i}")).Append(old).ToArray();
        await s.A.InTransactionAsync(async (tx, ct) =>
        {
            await tx.RecordPaymentAsync(before, ct);
            var ex = await Assert.ThrowsAsync<PaymentReplayException>(() => tx.RecordPaymentsAsync(batch, ct));
            Assert.Equal(new[] { old.Signature }, ex.Signatures);
            await tx.RecordPaymentsAsync(batch[..150], ct);
            await tx.RecordPaymentAsync(after, ct);
        });
        Assert.True(await s.A.HasPaymentBeenProcessedAsync(before.Signature));
        Assert.True(await s.A.HasPaymentBeenProcessedAsync(after.Signature));
        Assert.True(await s.A.HasPaymentBeenProcessedAsync("txn-149"));
        Assert.False(await s.A.HasPaymentBeenProcessedAsync("txn-150"));
    }

    [Fact]
    public async Task A_large_batch_reads_back_exactly_including_attempt_ids_and_odd_text()
    {
        await using var s = await OpenAsync();
        var batch = Enumerable.Range(0, 120).Select(i => Make.Payment(s.Now.AddTicks(-i * 10), $"exact-{i}") with
        {
            AttemptId = i % 2 == 0 ? $"att-{i}" : null,
            Wallet = "wället-😀-\\\"'\t",
            Metadata = i % 3 == 0 ? new Dictionary<string, string>() : new Dictionary<string, string> { ["k"] = "v\"\n😀", ["n"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) },
        }).ToArray();
        await s.A.RecordPaymentsAsync(batch);
        foreach (var tx in batch)
            Assert.Equivalent(tx with { TenantId = "tenant-a" }, await s.A.GetPaymentAsync(tx.Signature), strict: true);
        // Retried with the same attempt ids: the attempt-carrying payments are this tenant's own; the others are replays.
        var ex = await Assert.ThrowsAsync<PaymentReplayException>(() => s.A.RecordPaymentsAsync(batch));
        Assert.Equal(batch.Where(t => t.AttemptId is null).Select(t => t.Signature), ex.Signatures);
        await s.A.RecordPaymentsAsync(batch.Where(t => t.AttemptId is not null).ToArray());
    }

    [Fact]
    public async Task TryRecordPayment_inside_a_transaction_returns_false_on_replay_and_the_transaction_still_commits()
    {
        await using var s = await OpenAsync();
        var old = Make.Payment(s.Now);
        await s.A.RecordPaymentAsync(old);
        var fresh = Make.Payment(s.Now);
        var replayed = await s.A.InTransactionAsync(async (tx, ct) =>
        {
            var first = await tx.TryRecordPaymentAsync(old, ct);
            await tx.RecordPaymentAsync(fresh, ct);
            return !first;
        });
        Assert.True(replayed);
        Assert.True(await s.A.HasPaymentBeenProcessedAsync(fresh.Signature));
    }

    [Fact]
    public async Task A_payment_recorded_in_a_transaction_that_throws_is_not_recorded()
    {
        await using var s = await OpenAsync();
        var tx1 = Make.Payment(s.Now);
        await Assert.ThrowsAsync<InvalidOperationException>(() => s.A.InTransactionAsync(async (tx, ct) =>
        {
            await tx.RecordPaymentAsync(tx1, ct);
            Assert.True(await tx.HasPaymentBeenProcessedAsync(tx1.Signature, ct));
            throw new InvalidOperationException("abort");
        }));
        Assert.False(await s.A.HasPaymentBeenProcessedAsync(tx1.Signature));
        await s.A.RecordPaymentAsync(tx1);
    }

    [Fact]
    public async Task A_cancelled_call_records_nothing()
    {
        await using var s = await OpenAsync();
        var tx = Make.Payment(s.Now);
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => s.A.RecordPaymentAsync(tx, cancelled.Token));
        Assert.False(await s.A.HasPaymentBeenProcessedAsync(tx.Signature));
    }

    [Fact]
    public async Task Reading_with_an_empty_or_overlong_signature_fails_with_Validation()
    {
        await using var s = await OpenAsync();
        await ExpectKind.Validation(() => s.A.GetPaymentAsync(""));
        await ExpectKind.Validation(() => s.A.GetPaymentAsync(new string('s', 256)));
        await ExpectKind.Validation(() => s.A.HasPaymentBeenProcessedAsync(""));
        await ExpectKind.Validation(() => s.A.HasPaymentBeenProcessedAsync(new string('s', 256)));
    }
}
