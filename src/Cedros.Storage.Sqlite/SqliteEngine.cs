using System.Globalization;
using Cedros.Storage.Configuration;
using Cedros.Storage.Internal;
using Cedros.Storage.Schema;
using Microsoft.Data.Sqlite;

namespace Cedros.Storage.Sqlite;

/// <summary>
/// Shared state of one <see cref="SqliteStorage"/>: the connection string, resolved table names, the clock, and the
/// in-process writer gate. Cross-process safety comes from <c>BEGIN IMMEDIATE</c> and the busy timeout; the gate only
/// keeps this process's writers from spinning on SQLite's file lock.
/// </summary>
internal sealed class SqliteEngine : IDisposable
{
    private readonly string _connectionString;
    private readonly string _pragmas;
    private readonly SqlTemplate _sql;

    public SqliteEngine(StorageOptions options, TimeProvider time)
    {
        StorageOptionsValidator.ThrowIfInvalid(options);
        Options = options;
        Time = time;
        Tables = options.ResolveTables();
        _sql = new SqlTemplate(Tables);
        foreach (var table in Tables.All())
            if (table.SchemaName is not null)
                throw new StorageConfigurationException("storage.schema_mapping",
                    $"'{table}' names a schema; SQLite has no schemas, use a plain table name.");
        if (string.IsNullOrWhiteSpace(options.Sqlite.Path))
            throw new StorageConfigurationException("storage.sqlite.path", "a database file path is required.");
        if (options.Sqlite.BusyTimeout < TimeSpan.Zero)
            throw new StorageConfigurationException("storage.sqlite.busy_timeout", "must not be negative.");
        if (options.Migrations != MigrationPolicy.Apply && !File.Exists(options.Sqlite.Path))
            throw new StorageConfigurationException("storage.sqlite.path",
                $"'{Path.GetFullPath(options.Sqlite.Path)}' does not exist, and storage.migrations = {options.Migrations.ToString().ToLowerInvariant()} " +
                "never creates it (check the path, or create it with 'cedros-storage migrate').");
        var busyMs = (long)Math.Min(int.MaxValue, options.Sqlite.BusyTimeout.TotalMilliseconds);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = options.Sqlite.Path,
            // Only "apply" may create the file: verify/none must not turn a mistyped path into an empty database.
            Mode = options.Migrations == MigrationPolicy.Apply ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite,
            Cache = SqliteCacheMode.Private,
            // The storage pools its own connections (SqliteConnectionPool) with their settings and prepared statements.
            Pooling = false,
            DefaultTimeout = (int)Math.Max(1, Math.Ceiling(options.Sqlite.BusyTimeout.TotalSeconds)),
        }.ToString();
        var synchronous = options.Sqlite.Synchronous == SqliteSynchronous.Normal ? "NORMAL" : "FULL";
        _pragmas = string.Create(CultureInfo.InvariantCulture,
            $"PRAGMA busy_timeout = {busyMs}; PRAGMA synchronous = {synchronous}; PRAGMA foreign_keys = OFF; PRAGMA mmap_size = {options.Sqlite.MmapSize}; " +
            $"PRAGMA wal_autocheckpoint = {SqliteCheckpointer.SafetyNetPages};");
        BusyTimeout = options.Sqlite.BusyTimeout;
        Pool = new SqliteConnectionPool(Open);
        Checkpointer = new SqliteCheckpointer(Pool, time);
    }

    public StorageOptions Options { get; }
    public TimeProvider Time { get; }
    public ResolvedTables Tables { get; }

    /// <summary>The SQL of a template (<see cref="SqlTemplate"/>: <c>[[entity]]</c> is the mapped table), rendered once.</summary>
    public string Sql(string template) => _sql[template];
    public TimeSpan BusyTimeout { get; }
    public SemaphoreSlim WriteGate { get; } = new(1, 1);

    /// <summary>Batch sizes of payment archival, paced to a short write-lock time (<see cref="SqliteBatchPace"/>).</summary>
    public SqliteBatchPace ArchivePace => _archivePace ??= new SqliteBatchPace(Time);
    private SqliteBatchPace? _archivePace;

    /// <summary>How order searches use the trigram index (tests set their own).</summary>
    public SqliteSearchPlanner SearchPlanner { get; set; } = SqliteSearchPlanner.Default;

    // Used only under the writer gate, so by one caller at a time.
    private SqliteSession? _housekeeping;

    /// <summary>
    /// Runs one housekeeping batch (payment archival) in its own <c>BEGIN IMMEDIATE</c> transaction under the writer
    /// gate, on a connection of its own whose commits do not fsync (<c>synchronous = NORMAL</c>). A batch only moves
    /// rows that stay recorded either way, and a WAL keeps a consistent prefix after a power loss: at worst the last
    /// batches are undone (their rows are still in the ledger, moved by the next pass), and the next FULL commit of
    /// any writer syncs them anyway. So a payment recorded with <c>synchronous = FULL</c> no longer waits for the
    /// archiver's fsync as well as its own.
    /// </summary>
    public async Task<T> WriteHousekeepingAsync<T>(Func<SqliteSession, T> work, CancellationToken cancellationToken)
    {
        var whole = await LiveWriters.YieldAsync(cancellationToken).ConfigureAwait(false);
        await EnterWriterAsync(cancellationToken).ConfigureAwait(false);
        _housekeepingRunsWhole = whole;
        try
        {
            if (_housekeeping is null)
            {
                var connection = Open();
                _housekeeping = new SqliteSession(connection);
                _housekeeping.Execute("PRAGMA synchronous = NORMAL");
            }
            return PooledExecutor.RunImmediate(_housekeeping, work);
        }
        catch (SqliteException ex)
        {
            DropHousekeeping();
            throw SqliteErrors.Translate(ex);
        }
        catch
        {
            if (_housekeeping is { IsReusable: false }) DropHousekeeping();
            throw;
        }
        finally
        {
            WriteGate.Release();
        }
    }

    private void DropHousekeeping()
    {
        if (_housekeeping is null) return;
        _housekeeping.Dispose();
        _housekeeping.Connection.Dispose();
        _housekeeping = null;
    }

    /// <summary>Open connections with their settings applied and statements prepared, for calls and transactions.</summary>
    public SqliteConnectionPool Pool { get; }
    public DateTimeOffset Now => StorageTime.Now(Time);

    /// <summary>
    /// Takes this process's writer gate, waiting at most the busy timeout (as SQLite would for the file lock), else
    /// <see cref="StorageUnavailableException"/>.
    /// </summary>
    public async Task EnterWriterAsync(CancellationToken cancellationToken)
    {
        TransactionFlow.ThrowIfInside(this);
        var wait = BusyTimeout < TimeSpan.FromMilliseconds(100) ? TimeSpan.FromMilliseconds(100) : BusyTimeout;
        Interlocked.Increment(ref _writersWaiting);
        try
        {
            if (!await WriteGate.WaitAsync(wait, cancellationToken).ConfigureAwait(false))
                throw new StorageUnavailableException("another writer in this process held the SQLite database past the busy timeout; retry.");
        }
        finally
        {
            Interlocked.Decrement(ref _writersWaiting);
        }
    }

    /// <summary>Releases the writer gate after a live (not housekeeping) write, counting it for <see cref="LiveWriters"/> and <see cref="Checkpointer"/>.</summary>
    public void ExitWriter()
    {
        var writes = LiveWriters.Wrote();
        WriteGate.Release();
        Checkpointer.Wrote(writes);
    }

    /// <summary>Checkpoints the WAL in the background (<see cref="SqliteCheckpointer"/>).</summary>
    public SqliteCheckpointer Checkpointer { get; }

    /// <summary>The live writes that housekeeping yields to (<see cref="SqliteLiveWriters"/>; tests set their own).</summary>
    public SqliteLiveWriters LiveWriters { get; set; } = new();

    /// <summary>
    /// Whether the housekeeping batch holding the gate should commit after the rows in hand: a caller of this process
    /// is waiting for the gate, and the batch did not already wait its turn behind busy live writes
    /// (<see cref="SqliteLiveWriters"/>). A live write that finds the gate taken then waits for a few rows of
    /// housekeeping rather than for a whole batch.
    /// </summary>
    public bool HousekeepingShouldCommit => !_housekeepingRunsWhole && Volatile.Read(ref _writersWaiting) > 0;
    private int _writersWaiting;
    private bool _housekeepingRunsWhole;

    /// <summary>Opens a new connection with this storage's per-connection settings (calls rent from <see cref="Pool"/>).</summary>
    public SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = _pragmas;
            command.ExecuteNonQuery();
            connection.CreateFunction("cedros_contains", (string? haystack, string needle) =>
                haystack is not null && haystack.Contains(needle, StringComparison.OrdinalIgnoreCase), isDeterministic: true);
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <summary>Puts the file in WAL mode (persistent in the file; needs no open transaction).</summary>
    public void EnableWal()
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL;";
        var mode = command.ExecuteScalar() as string;
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
            throw new StorageException(StorageErrorKind.Internal, $"SQLite refused WAL journal mode (got '{mode}').");
    }

    public void Dispose()
    {
        DropHousekeeping();
        Checkpointer.Dispose();
        Pool.Dispose();
        WriteGate.Dispose();
    }
}
