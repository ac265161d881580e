using Cedros.Storage.Sqlite;
using Cedros.Storage.Tests.Backends;
using Cedros.Storage.Tests.Conformance;

namespace Cedros.Storage.Tests.Sqlite;

/// <summary>
/// An archive batch holds SQLite's only write lock; a payment being recorded in the same process waits for it. The
/// batch therefore commits after the chunk in hand as soon as a writer is waiting (issue 15: recording p99 during
/// archival), and the rows it did not reach are moved by the next batch.
/// </summary>
public sealed class SqliteArchiveYieldTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    [Fact]
    public async Task An_archive_batch_commits_after_one_chunk_when_a_writer_is_waiting_and_the_rest_follows()
    {
        var options = fixture.NewOptions(fixture.NewPath());
        var now = DateTimeOffset.UtcNow;
        var old = Enumerable.Range(0, 200).Select(_ => Make.Payment(now.AddDays(-200))).ToList();
        await using (var storage = await SqliteStorage.OpenAsync(options))
            await storage.Default.RecordPaymentsAsync(old);

        using var engine = new SqliteEngine(options, TimeProvider.System);
        var store = new SqliteStore(new PooledExecutor(engine), TenantIds.Default);
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
        Assert.Equal(old.Count, moved);
    }
}
