using Cedros.Storage.Sqlite;
using Cedros.Storage.Tests.Backends;
using Cedros.Storage.Tests.Conformance;

namespace Cedros.Storage.Tests.Sqlite;

/// <summary>
/// Housekeeping shares SQLite's one write lock with live writes (issue 15: recording p99 during archival). While live
/// writes keep coming, a housekeeping turn waits for <see cref="SqliteLiveWriters.LiveWritesPerTurn"/> of them, then
/// runs its whole paced batch; once they stop it goes ahead at once, and it never waits longer than
/// <see cref="SqliteLiveWriters.MaxWait"/>. The idle window (and the longest wait) is an hour here, so "busy" cannot
/// lapse under a slow test machine.
/// </summary>
public sealed class SqliteLiveWritersTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    private static readonly TimeSpan AnHour = TimeSpan.FromHours(1);

    [Fact]
    public async Task With_no_live_write_housekeeping_goes_ahead_at_once_and_commits_early_for_a_waiting_writer()
    {
        var writers = new SqliteLiveWriters(AnHour, AnHour);
        var turn = writers.YieldAsync(default);
        Assert.True(turn.IsCompleted);
        Assert.False(await turn);
    }

    [Fact]
    public async Task While_live_writes_keep_coming_each_turn_waits_for_LiveWritesPerTurn_of_them()
    {
        var writers = new SqliteLiveWriters(AnHour, AnHour);
        writers.Wrote();
        var turn = writers.YieldAsync(default);
        for (var i = 1; i < SqliteLiveWriters.LiveWritesPerTurn - 1; i++) writers.Wrote();
        await Task.Delay(50);
        Assert.False(turn.IsCompleted);
        writers.Wrote();
        Assert.True(await turn.WaitAsync(TimeSpan.FromSeconds(30)));

        // The count starts over at each turn.
        var next = writers.YieldAsync(default);
        await Task.Delay(50);
        Assert.False(next.IsCompleted);
        for (var i = 0; i < SqliteLiveWriters.LiveWritesPerTurn; i++) writers.Wrote();
        Assert.True(await next.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Once_live_writes_stop_the_waiting_turn_goes_ahead()
    {
        var writers = new SqliteLiveWriters(TimeSpan.FromMilliseconds(20), AnHour);
        writers.Wrote();
        Assert.False(await writers.YieldAsync(default).WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Live_writes_that_keep_coming_sparsely_hold_a_turn_back_at_most_MaxWait_and_it_then_commits_early()
    {
        var writers = new SqliteLiveWriters(AnHour, TimeSpan.FromMilliseconds(20));
        writers.Wrote();
        Assert.False(await writers.YieldAsync(default).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(writers.Busy);
    }

    [Fact]
    public async Task An_archive_batch_after_busy_live_writes_runs_whole_with_a_writer_waiting_and_the_next_waits_its_turn()
    {
        var options = fixture.NewOptions(fixture.NewPath());
        var now = DateTimeOffset.UtcNow;
        var old = Enumerable.Range(0, 200).Select(_ => Make.Payment(now.AddDays(-200))).ToList();
        await using (var storage = await SqliteStorage.OpenAsync(options))
            await storage.Default.RecordPaymentsAsync(old);

        using var engine = new SqliteEngine(options, TimeProvider.System) { LiveWriters = new SqliteLiveWriters(AnHour, AnHour) };
        var store = new SqliteStore(new PooledExecutor(engine), TenantIds.Default);
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
        Assert.True(moved <= old.Count);
    }
}
