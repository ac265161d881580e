using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Cedros.Storage.Benchmarks;

/// <summary>
/// One storage (the measured layer) and one raw driver connection (the baseline) on the same database and tables.
/// The raw connection is opened once and kept for the whole case; each raw call builds a new parameterised command,
/// as hand-written data access would.
/// </summary>
public abstract class BackendBenchmark
{
    private ICedrosStorage? _storage;

    /// <summary>The backend of this case (set by BenchmarkDotNet from the derived class's [Params]).</summary>
    public abstract BackendKind Backend { get; set; }

    protected ITenantStorage Store { get; private set; } = null!;
    protected NpgsqlConnection Pg { get; private set; } = null!;
    protected SqliteConnection Lite { get; private set; } = null!;
    /// <summary>Extra resources of a case, disposed after it.</summary>
    protected List<IAsyncDisposable> Owned { get; } = [];
    protected bool IsPostgres => Backend == BackendKind.Postgres;
    protected string Tenant => BenchEnv.Tenant;

    /// <summary>Opens the storage and the raw connection. PostgreSQL tables in <paramref name="truncate"/> are emptied;
    /// a SQLite case starts from a fresh file unless <paramref name="fresh"/> is false.</summary>
    protected Task OpenAsync(string name, bool fresh, params string[] truncate) =>
        OpenInAsync(BenchEnv.Database, name, fresh, truncate);

    /// <summary>As <see cref="OpenAsync"/>, in PostgreSQL database <paramref name="database"/>.</summary>
    protected async Task OpenInAsync(string database, string name, bool fresh, params string[] truncate)
    {
        var file = $"{name}-{Backend}";
        _storage = await BenchEnv.OpenStorageAsync(Backend, file, fresh, database);
        Store = _storage.ForTenant(Tenant);
        if (IsPostgres)
        {
            if (truncate.Length > 0) await BenchEnv.TruncateAsync(truncate);
            Pg = await BenchEnv.OpenRawPostgresAsync(database);
        }
        else
        {
            Lite = BenchEnv.OpenRawSqlite(Backend, file);
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        foreach (var owned in Owned) await owned.DisposeAsync();
        Owned.Clear();
        if (Pg is not null) await Pg.DisposeAsync();
        Lite?.Dispose();
        if (_storage is not null) await _storage.DisposeAsync();
    }

    protected NpgsqlCommand PgCommand(string sql) => new(sql, Pg);

    protected SqliteCommand LiteCommand(string sql)
    {
        var command = Lite.CreateCommand();
        command.CommandText = sql;
        return command;
    }
}
