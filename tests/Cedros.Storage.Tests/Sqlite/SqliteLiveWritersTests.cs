using Cedros.Storage.Sqlite;

namespace Cedros.Storage.Tests.Sqlite;

/// <summary>
/// Housekeeping shares SQLite's one write lock with live writes (issue 15: recording p99 during archival). While live
/// writes keep coming, a housekeeping turn waits for <see cref="SqliteLiveWriters.LiveWritesPerTurn"/> of them, then
/// runs its whole paced batch; once they stop it goes ahead at once, and it never waits longer than
/// <see cref="SqliteLiveWriters.MaxWait"/>. The idle window (and the longest wait) is an hour here, so "busy" cannot
/// lapse under a slow test machine. How an archive batch acts on it: <see cref="SqliteArchiveYieldTests"/>.
/// </summary>
public sealed class SqliteLiveWritersTests
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
}
