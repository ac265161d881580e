using Cedros.Storage.Sqlite;
using Cedros.Storage.Tests.Backends;
using Cedros.Storage.Tests.Conformance;

namespace Cedros.Storage.Tests.Sqlite;

/// <summary>
/// An archive batch holds SQLite's only write lock; a payment being recorded in the same process waits for it. The
/// batch therefore commits after the chunk in hand as soon as a writer is waiting (issue 15: recording p99 during
/// archival), and the rows it did not reach are moved by the next batch; after busy live writes it has waited its turn
/// (<see cref="SqliteLiveWriters"/>) and runs its whole batch.
/// </summary>
public sealed class SqliteArchiveYieldTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    [Fact]
    public async Task An_archive_batch_commits_after_one_chunk_when_a_writer_is_waiting_and_the_rest_follows()
    {
        var now = DateTimeOffset.UtcNow;
        var (engine, store) = await EngineWithOldPaymentsAsync(now);
        using var _ = engine;
        var limit = engine.ArchivePace.Next(1_000);
        Assert.True(limit > SqliteBatchPace.ChunkRows, "the paced batch must span several chunks for the test to mean anything");

        // Nobody waiting: the batch takes its whole paced size.
        Assert.Equal(limit, await store.ArchivePaymentBatchAsync(now.AddDays(-90), now, 1_000, default));

        // The gate is held while the archive batch and then a writer queue behind it (the gate serves waiters in
        // order; both calls reach the gate before they return their task): the batch runs with the writer waiting and
        // stops after its first chunk.
        // (The pace moves halfway to its new estimate per batch, so the next batch is still at least 32 rows.)
        Assert.True(engine.ArchivePace.Next(1_000) > SqliteBatchPace.ChunkRows);
        await engine.WriteGate.WaitAsync();
        var batch = store.ArchivePaymentBatchAsync(now.AddDays(-90), now, 1_000, default);
        Assert.True(engine.HousekeepingShouldCommit);
        var writer = store.InsertPaymentAsync(Make.Payment(now), default);
        engine.WriteGate.Release();
        Assert.Equal(SqliteBatchPace.ChunkRows, await batch);
        await writer;

        // Passes loop until nothing is left: every old payment is moved, each exactly once.
        var moved = limit + SqliteBatchPace.ChunkRows;
        int step;
        while ((step = await store.ArchivePaymentBatchAsync(now.AddDays(-90), now, 1_000, default)) > 0) moved += step;
        Assert.Equal(OldPayments, moved);
    }

    [Fact]
    public async Task An_archive_batch_after_busy_live_writes_runs_whole_with_a_writer_waiting_and_the_next_waits_its_turn()
    {
        var now = DateTimeOffset.UtcNow;
        var (engine, store) = await EngineWithOldPaymentsAsync(now);
        using var _ = engine;
        // "Busy" lasts an hour here, so it cannot lapse under a slow test machine (SqliteLiveWritersTests).
        engine.LiveWriters = new SqliteLiveWriters(TimeSpan.FromHours(1), TimeSpan.FromHours(1));
        for (var i = 0; i < SqliteLiveWriters.LiveWritesPerTurn; i++) await store.InsertPaymentAsync(Make.Payment(now), default);
        var limit = engine.ArchivePace.Next(1_000);
        Assert.True(limit > SqliteBatchPace.ChunkRows, "the paced batch must span several chunks for the test to mean anything");

        // Its turn has come (LiveWritesPerTurn live writes passed): it queues at the gate, a live writer behind it, and
        // it moves its whole paced batch rather than the first chunk.
        await engine.WriteGate.WaitAsync();
        var batch = store.ArchivePaymentBatchAsync(now.AddDays(-90), now, 1_000, default);
        var writer = store.InsertPaymentAsync(Make.Payment(now), default);
        engine.WriteGate.Release();
        Assert.Equal(limit, await batch);
        await writer;

        // The next batch waits until LiveWritesPerTurn more live writes have passed (one has).
        var next = store.ArchivePaymentBatchAsync(now.AddDays(-90), now, 1_000, default);
        await Task.Delay(50);
        Assert.False(next.IsCompleted);
        for (var i = 1; i < SqliteLiveWriters.LiveWritesPerTurn; i++) await store.InsertPaymentAsync(Make.Payment(now), default);
        var moved = limit + await next.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(moved > limit);
        Assert.True(moved <= OldPayments);
    }

    private const int OldPayments = 200;

    /// <summary>A new database file with <see cref="OldPayments"/> payments created 200 days ago, and an engine of its own on it.</summary>
    private async Task<(SqliteEngine Engine, SqliteStore Store)> EngineWithOldPaymentsAsync(DateTimeOffset now)
    {
        var options = fixture.NewOptions(fixture.NewPath());
        await using (var storage = await SqliteStorage.OpenAsync(options))
            await storage.Default.RecordPaymentsAsync(Enumerable.Range(0, OldPayments).Select(_ => Make.Payment(now.AddDays(-200))).ToList());
        var engine = new SqliteEngine(options, TimeProvider.System);
        return (engine, new SqliteStore(new PooledExecutor(engine), TenantIds.Default));
    }
}
