using Microsoft.Data.Sqlite;

namespace Cedros.Storage.Sqlite;

/// <summary>
/// Copies the WAL back into the database file off the callers' path. SQLite's automatic checkpoint runs inside the
/// commit that takes the WAL past 1,000 pages, so one live write in a few hundred paid for copying and syncing the
/// pages of all the others, and while payment archival was filling the WAL that was most of the live writes' slow
/// calls (docs/benchmarks.md). The storage's connections set the automatic threshold to <see cref="SafetyNetPages"/>
/// instead, a backstop that only a very large transaction reaches, and every <see cref="WritesPerCheckpoint"/> writes
/// this starts one <c>PASSIVE</c> checkpoint (it never blocks a writer) on a thread-pool thread, unless one is running.
/// </summary>
internal sealed class SqliteCheckpointer(SqliteConnectionPool pool) : IDisposable
{
    /// <summary>Writes between two background checkpoints: about SQLite's own 1,000 pages at a few pages a write.</summary>
    public const int WritesPerCheckpoint = 256;

    /// <summary>The automatic checkpoint threshold of the storage's connections, in pages (SQLite's default is 1,000).</summary>
    public const int SafetyNetPages = 16_000;

    private Task _running = Task.CompletedTask;
    private readonly Lock _gate = new();
    private bool _disposed;

    /// <summary>Called with the count of live writes after each one: every <see cref="WritesPerCheckpoint"/>th starts a checkpoint.</summary>
    public void Wrote(long writes)
    {
        if (writes % WritesPerCheckpoint == 0) Start();
    }

    /// <summary>The checkpoint running now, or the last one (completed).</summary>
    public Task Running
    {
        get
        {
            lock (_gate) return _running;
        }
    }

    /// <summary>Starts a background checkpoint unless one is running.</summary>
    private void Start()
    {
        lock (_gate)
        {
            if (_disposed || !_running.IsCompleted) return;
            _running = Task.Run(Checkpoint);
        }
    }

    private void Checkpoint()
    {
        try
        {
            var session = pool.Rent();
            try
            {
                session.Execute("PRAGMA wal_checkpoint(PASSIVE)");
            }
            finally
            {
                pool.Return(session);
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
        running.Wait();
    }
}
