using System.Diagnostics;

namespace Cedros.Storage.Sqlite;

/// <summary>
/// How housekeeping on the engine's housekeeping connection (payment archival, <see cref="SqliteEngine.WriteHousekeepingAsync{T}"/>)
/// shares this process's writer gate with live writes (every other write, the other maintenance deletes included).
/// SQLite has one write lock, so a live write that arrives while a housekeeping batch holds it waits for the whole
/// batch, commit included. While live writes keep coming (one finished within <see cref="IdleAfter"/>), a batch
/// therefore waits for <see cref="LiveWritesPerTurn"/> of them between two of its turns, so at most about one live write
/// in that many waits for housekeeping, like PostgreSQL's cost-based vacuum delay keeps autovacuum out of the way of
/// a busy server. Once live writes stop, batches run back to back, and one that sees a live writer waiting commits
/// after the rows in hand (<see cref="SqliteEngine.HousekeepingShouldCommit"/>). Progress is guaranteed either way: a busy writer
/// lets a batch in every <see cref="LiveWritesPerTurn"/> writes or <see cref="MaxWait"/>, whichever comes first, an
/// idle one at once.
/// </summary>
/// <remarks>
/// Timed with the machine's monotonic clock, not the storage's <see cref="TimeProvider"/>: this is scheduling against
/// other threads of this process, and a fake clock that never moves would keep housekeeping waiting forever.
/// </remarks>
internal sealed class SqliteLiveWriters(TimeSpan idleAfter, TimeSpan maxWait)
{
    /// <summary>Live writes let through between two housekeeping turns while they keep coming.</summary>
    public const int LiveWritesPerTurn = 200;

    /// <summary>How long after the last live write housekeeping stops yielding.</summary>
    public static readonly TimeSpan IdleAfter = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// The longest a turn waits for <see cref="LiveWritesPerTurn"/> writes. Live writes that keep coming but sparsely
    /// (a few hundred a second) would otherwise hold archival to one turn per second or so; after this wait the turn
    /// goes ahead and commits early for a writer that arrives, as when writes have stopped.
    /// </summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromMilliseconds(100);

    public SqliteLiveWriters() : this(IdleAfter, MaxWait)
    {
    }

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(1);

    private long _writes;
    private long _lastWrite;
    private long _writesAtTurn;

    /// <summary>Counts a live write that has just released the gate; returns how many there have been.</summary>
    public long Wrote()
    {
        Volatile.Write(ref _lastWrite, Stopwatch.GetTimestamp());
        return Interlocked.Increment(ref _writes);
    }

    /// <summary>Whether live writes are coming now (one finished within the idle window, <see cref="IdleAfter"/>).</summary>
    public bool Busy => Volatile.Read(ref _writes) > 0 && Stopwatch.GetElapsedTime(Volatile.Read(ref _lastWrite)) < idleAfter;

    /// <summary>
    /// Waits, before a housekeeping turn, until <see cref="LiveWritesPerTurn"/> live writes have passed since the last
    /// turn, live writes have stopped, or <see cref="MaxWait"/> has passed. Returns true when the count was reached
    /// with live writes still busy: the turn then runs its whole paced batch rather than committing early for the live
    /// writer that will be waiting by then (which would starve it). Otherwise the turn commits early for a writer.
    /// </summary>
    public async Task<bool> YieldAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var reached = true;
        while (Busy && Volatile.Read(ref _writes) - Volatile.Read(ref _writesAtTurn) < LiveWritesPerTurn)
        {
            if (Stopwatch.GetElapsedTime(started) >= maxWait)
            {
                reached = false;
                break;
            }
            await Task.Delay(Poll, cancellationToken).ConfigureAwait(false);
        }
        Volatile.Write(ref _writesAtTurn, Volatile.Read(ref _writes));
        return reached && Busy;
    }
}
