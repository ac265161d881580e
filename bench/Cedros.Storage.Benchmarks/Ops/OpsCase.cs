using Npgsql;

namespace Cedros.Storage.Benchmarks.Ops;

/// <summary>One operation of the <c>ops</c> runner: the storage call and its raw twin doing the same work. Each call
/// gets the caller's index (SQLite raw keeps a connection per caller) and a process-wide sequence number for fresh keys.</summary>
public abstract class OpsCase(OpsBackend backend)
{
    private static long _sequence;

    /// <summary>The next number of a process-wide sequence for unique keys.</summary>
    public static long Next() => Interlocked.Increment(ref _sequence);

    /// <summary>Distinguishes keys of this run from those left by earlier runs in a kept database.</summary>
    protected static readonly string Run = Guid.NewGuid().ToString("N")[..8];

    protected OpsBackend Backend { get; } = backend;
    protected ITenantStorage Store => Backend.Store;
    protected bool Pg => Backend.IsPostgres;

    public abstract string Name { get; }

    /// <summary>False for the in-memory backend (no driver to compare with).</summary>
    public bool HasRaw => Backend.Kind != OpsBackendKind.Memory;

    public virtual Task SetupAsync() => Task.CompletedTask;

    /// <summary>Runs before each timed block of either side, outside its time: puts the state both sides start from
    /// back to the same place when the case's own writes would otherwise make it drift.</summary>
    public virtual Task BeforeBlockAsync() => Task.CompletedTask;

    public abstract Task StorageAsync(int worker, long i);

    public abstract Task RawAsync(int worker, long i);

    protected static string Key(string prefix, long i) => $"{prefix}-{Run}-{i}";

    /// <summary>
    /// On PostgreSQL, other tenants' rows in a case's table before it starts (<paramref name="insertSelect"/> writes them),
    /// as a shared table has them. A case that starts on an empty table measures the planner's timing, not the storage:
    /// the first connections to run a statement cache its generic plan while the table is a page or two (a sequential
    /// scan), keep it as the case fills the table, and the side measured first owns those connections (the nonce case,
    /// 28 Nov: 0.13 at 1 caller, 2.5–6 ms of server time per storage call, until autovacuum's analyse replanned it).
    /// </summary>
    protected Task OtherTenantsRowsAsync(string insertSelect, Action<NpgsqlParameterCollection>? bind = null) =>
        Pg ? Backend.PgExecuteAsync(insertSelect, bind ?? (_ => { })) : Task.CompletedTask;

    protected static void Expect(bool condition, string what)
    {
        if (!condition) throw new InvalidOperationException("ops: unexpected outcome: " + what);
    }
}
