using Microsoft.Data.Sqlite;

namespace Cedros.Storage.Sqlite;

/// <summary>
/// Copies the WAL back into the database file off the callers' path. SQLite's automatic checkpoint runs inside the
/// commit that takes the WAL past 1,000 pages, so one live write in a few hundred paid for copying and syncing the
/// pages of all the others, and while payment archival was filling the WAL that was most of the live writes' slow
/// calls (docs/benchmarks.md). The storage's connections set the automatic threshold to <see cref="SafetyNetPages"/>
/// instead, a backstop that only a very large transaction reaches, and every <see cref="WritesPerCheckpoint"/> writes
/// this starts one <c>PASSIVE</c> checkpoint (it never blocks a writer) on a thread-pool thread, unless one is running.
/// When writes stop for <see cref="IdleDelay"/> with some not yet checkpointed, one more runs: reads through the
/// memory map look every page up in the WAL index first, and the pages a checkpoint has copied back are skipped by that
/// lookup, so reads after a burst of writes no longer pay for it (docs/benchmarks.md). The delay is measured on the
/// storage's <see cref="TimeProvider"/>: a clock that never moves only leaves this extra checkpoint out.
/// </summary>
internal sealed class SqliteCheckpointer : IDisposable
{
    /// <summary>Writes between two background checkpoints: about SQLite's own 1,000 pages at a few pages a write.</summary>
    public const int WritesPerCheckpoint = 256;

    /// <summary>The automatic checkpoint threshold of the storage's connections, in pages (SQLite's default is 1,000).</summary>
    public const int SafetyNetPages = 16_000;

    /// <summary>How long writes must pause before the writes since the last checkpoint are checkpointed.</summary>
    public static readonly TimeSpan IdleDelay = TimeSpan.FromMilliseconds(100);

    private readonly SqliteConnectionPool _pool;
    private readonly ITimer _idle;
    private Task _running = Task.CompletedTask;
    private readonly Lock _gate = new();
    private bool _disposed;
    private long _writes;
    private long _checkpointedAt;
    private long _idleArmedAt;
    private int _idleArmed;

    public SqliteCheckpointer(SqliteConnectionPool pool, TimeProvider time)
    {
        _pool = pool;
        _idle = time.CreateTimer(_ => OnIdle(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Called with the count of live writes after each one: every <see cref="WritesPerCheckpoint"/>th starts a
    /// checkpoint, and each arms the idle check unless it is armed.</summary>
    public void Wrote(long writes)
    {
        Volatile.Write(ref _writes, writes);
        if (writes % WritesPerCheckpoint == 0) Start(writes);
        ArmIdle(writes);
    }

    private void ArmIdle(long writes)
    {
        if (Interlocked.CompareExchange(ref _idleArmed, 1, 0) != 0) return;
        Volatile.Write(ref _idleArmedAt, writes);
        Arm();
    }

    /// <summary>Writes since the timer was armed: wait another delay. None: checkpoint what the last one left.</summary>
    private void OnIdle()
    {
        var writes = Volatile.Read(ref _writes);
        if (writes != Volatile.Read(ref _idleArmedAt))
        {
            Volatile.Write(ref _idleArmedAt, writes);
            Arm();
            return;
        }
        Volatile.Write(ref _idleArmed, 0);
        var started = writes == Volatile.Read(ref _checkpointedAt) || Start(writes);
        // A write that came in between found the timer still armed and left it to this call; a checkpoint still
        // running leaves these writes to the next delay.
        var now = Volatile.Read(ref _writes);
        if (now != writes || !started) ArmIdle(now);
    }

    private void Arm()
    {
        lock (_gate)
        {
            if (!_disposed) _idle.Change(IdleDelay, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>The checkpoint running now, or the last one (completed).</summary>
    public Task Running
    {
        get
        {
            lock (_gate) return _running;
        }
    }

    /// <summary>Starts a background checkpoint of the first <paramref name="writes"/> writes unless one is running (or
    /// the checkpointer is disposed); false when it did not.</summary>
    private bool Start(long writes)
    {
        lock (_gate)
        {
            if (_disposed || !_running.IsCompleted) return false;
            Volatile.Write(ref _checkpointedAt, writes);
            _running = Task.Run(Checkpoint);
            return true;
        }
    }

    private void Checkpoint()
    {
        try
        {
            var session = _pool.Rent();
            try
            {
                session.Execute("PRAGMA wal_checkpoint(PASSIVE)");
            }
            finally
            {
                _pool.Return(session);
            }
        }
        catch (Exception ex) when (ex is SqliteException or ObjectDisposedException)
        {
            // Nothing is lost: the WAL keeps the pages, the next checkpoint (or SQLite's own at SafetyNetPages) copies
            // them. Nobody awaits this task, so it must not fault.
        }
    }

    /// <summary>Waits for a running checkpoint, so the pool is not closed under it.</summary>
    public void Dispose()
    {
        Task running;
        lock (_gate)
        {
            _disposed = true;
            running = _running;
        }
        _idle.Dispose();
        running.Wait();
    }
}
