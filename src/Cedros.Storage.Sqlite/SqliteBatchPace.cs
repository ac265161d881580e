namespace Cedros.Storage.Sqlite;

/// <summary>
/// Sizes SQLite housekeeping batches by time. A batch holds the database's only write lock (and this process's writer
/// gate) for its whole transaction, so a live writer — a payment being recorded — waits for it; a batch of 5,000
/// payments moved to the archive holds it for 0.1–0.5 s, a batch of a few hundred for about <see cref="Target"/>, and
/// a batch that sees a writer of this process waiting commits after the <see cref="ChunkRows"/> rows in hand. Each
/// batch measures its rows per second and the next one takes as many rows as fit in the target (halfway between the
/// old and the new estimate, so one slow batch does not swing it), never more than the configured
/// <c>storage.housekeeping_batch_size</c> nor fewer than <see cref="MinRows"/>. Each batch stays one transaction;
/// passes still loop until nothing is left.
/// </summary>
internal sealed class SqliteBatchPace(TimeProvider time)
{
    /// <summary>The write-lock time one housekeeping batch aims at.</summary>
    public static readonly TimeSpan Target = TimeSpan.FromMilliseconds(2);

    /// <summary>The fewest rows a batch takes (the per-transaction overhead must stay small against the work).</summary>
    public const int MinRows = 16;

    /// <summary>The rows a batch moves between its checks for a waiting writer (see <see cref="SqliteEngine.HousekeepingShouldCommit"/>).</summary>
    public const int ChunkRows = 16;

    /// <summary>The rows moved between two WAL checkpoints of the archiver.</summary>
    public const int CheckpointRows = 64;

    private const int FirstRows = 64;
    private int _sinceCheckpoint;
    private int _rows = FirstRows;

    /// <summary>Rows for the next batch: the paced size, at most <paramref name="max"/> (the configured batch size).</summary>
    public int Next(int max) => Math.Max(1, Math.Min(max, Volatile.Read(ref _rows)));

    /// <summary>Counts the rows a batch moved; true (and the count starts over) once <see cref="CheckpointRows"/> are reached.</summary>
    public bool CheckpointDue(int moved)
    {
        if (moved <= 0 || Interlocked.Add(ref _sinceCheckpoint, moved) < CheckpointRows) return false;
        Volatile.Write(ref _sinceCheckpoint, 0);
        return true;
    }

    /// <summary>Starts timing a batch.</summary>
    public long Start() => time.GetTimestamp();

    /// <summary>Records that a batch of <paramref name="rows"/> rows (started at <paramref name="started"/>) is done.</summary>
    public void Done(long started, int rows)
    {
        if (rows <= 0) return;
        var elapsed = time.GetElapsedTime(started);
        var current = Volatile.Read(ref _rows);
        // A batch timed at zero (a fake clock in tests) or much faster than the target doubles the size at most.
        var fit = elapsed <= TimeSpan.Zero ? current * 2.0 : rows * (Target / elapsed);
        var next = (int)Math.Clamp((current + Math.Min(fit, current * 2.0)) / 2, MinRows, Configuration.StorageOptionsValidator.MaxHousekeepingBatchSize);
        Volatile.Write(ref _rows, next);
    }
}
