namespace Cedros.Storage.Benchmarks;

/// <summary>The backend (and, for SQLite, the durability level) a benchmark case runs against.</summary>
public enum BackendKind
{
    /// <summary>PostgreSQL, database <c>cedros_bench</c> of the throwaway server.</summary>
    Postgres,
    /// <summary>SQLite, WAL, <c>synchronous = FULL</c> (the default: fsync per commit).</summary>
    SqliteFull,
    /// <summary>SQLite, WAL, <c>synchronous = NORMAL</c> (fsync at checkpoints).</summary>
    SqliteNormal,
}
