using System.Collections.Concurrent;
using Cedros.Storage.InMemory;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Cedros.Storage.Benchmarks.Ops;

/// <summary>
/// One backend of the <c>ops</c> runner: the storage, opened as a user would, and the raw baseline's means on the same
/// database and tables. PostgreSQL raw: an <see cref="NpgsqlDataSource"/> pooled per call with automatic preparation
/// (<c>Max Auto Prepare</c>) and no session reset. SQLite raw: one connection per caller kept open with the same
/// pragmas, each statement prepared once and re-executed, writers serialised by one in-process lock (as a hand-written
/// SQLite data layer must, or concurrent writers sleep in the busy handler).
/// </summary>
public sealed class OpsBackend : IAsyncDisposable
{
    private readonly ConcurrentDictionary<(int, string), SqliteCommand> _liteCommands = new();
    private readonly ConcurrentDictionary<int, SqliteConnection> _liteConnections = new();
    private readonly SemaphoreSlim _liteWriter = new(1, 1);
    private string _litePath = "";
    private string _pragmas = "";

    private OpsBackend(OpsBackendKind kind, ICedrosStorage storage)
    {
        Kind = kind;
        Storage = storage;
        Store = storage.ForTenant(BenchEnv.Tenant);
    }

    public OpsBackendKind Kind { get; }
    public ICedrosStorage Storage { get; }
    public ITenantStorage Store { get; }
    public NpgsqlDataSource? Pg { get; private set; }
    public bool IsPostgres => Kind == OpsBackendKind.Postgres;
    public static Cedros.Storage.Schema.SchemaMapping Tables { get; } = new();

    public static async Task<OpsBackend> OpenAsync(OpsBackendKind kind)
    {
        if (kind == OpsBackendKind.Memory) return new OpsBackend(kind, new InMemoryStorage());
        var backend = kind switch
        {
            OpsBackendKind.Postgres => BackendKind.Postgres,
            OpsBackendKind.SqliteNormal => BackendKind.SqliteNormal,
            _ => BackendKind.SqliteFull,
        };
        var storage = await BenchEnv.OpenStorageAsync(backend, "ops-" + kind);
        var ops = new OpsBackend(kind, storage);
        if (kind == OpsBackendKind.Postgres)
        {
            ops.Pg = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(BenchEnv.Postgres)
            {
                MaxAutoPrepare = 64, AutoPrepareMinUsages = 2, NoResetOnClose = true,
            });
            await using var connection = await ops.Pg.OpenConnectionAsync();
            await using var truncate = new NpgsqlCommand($"TRUNCATE {OpsTables}", connection);
            await truncate.ExecuteNonQueryAsync();
        }
        else
        {
            ops._litePath = BenchEnv.SqlitePath("ops-" + kind);
            ops._pragmas = $"PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; " +
                $"PRAGMA synchronous = {(kind == OpsBackendKind.SqliteNormal ? "NORMAL" : "FULL")};";
        }
        return ops;
    }

    private static readonly string[] OpsTableNames =
    [
        Tables.Payments, Tables.Payments + "_archive", Tables.CartQuotes, Tables.AdminNonces, Tables.Coupons,
        Tables.Orders, Tables.OrderHistory, Tables.InventoryReservations, Tables.WebhookQueue, Tables.IdempotencyKeys,
    ];

    private static string OpsTables => string.Join(", ", OpsTableNames);

    /// <summary>
    /// After a case's setup, PostgreSQL's statistics of the tables that hold rows, as a production table has them. On a
    /// table truncated, refilled and never analysed, the generic plans rest on guesses: the coupon increment's scanned the
    /// primary key <c>(tenant_id, code)</c> with only the tenant as its condition, at the same estimated cost as the unique
    /// <c>(tenant_id, lower(code))</c> index (28 Nov, the first run on a fresh cluster). An empty table is left alone:
    /// analysed empty, PostgreSQL takes it for empty until autovacuum looks again (a minute or more), and the plans
    /// cached meanwhile scan what the case inserts (the nonce case, 28 Nov 12:55: 3–5 ms of server time per call,
    /// growing with the table, until the autoanalyze). That alone did not keep the case from starting on an empty
    /// table's plans, so such cases also write other tenants' rows first (<see cref="OpsCase"/>'s
    /// <c>OtherTenantsRowsAsync</c>).
    /// </summary>
    public async Task AnalyzeAsync()
    {
        if (Pg is null) return;
        foreach (var table in OpsTableNames)
            if (await PgAsync($"SELECT EXISTS (SELECT 1 FROM {table})", _ => { }, async c => (bool)(await c.ExecuteScalarAsync().ConfigureAwait(false))!).ConfigureAwait(false))
                await PgExecuteAsync($"ANALYZE {table}", _ => { }).ConfigureAwait(false);
    }

    /// <summary>Runs a raw PostgreSQL command on a connection taken from the pool for this call (both disposed after <paramref name="run"/>).</summary>
    public async Task<T> PgAsync<T>(string sql, Action<NpgsqlParameterCollection> bind, Func<NpgsqlCommand, Task<T>> run)
    {
        await using var connection = await Pg!.OpenConnectionAsync().ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        bind(command.Parameters);
        return await run(command).ConfigureAwait(false);
    }

    public Task<int> PgExecuteAsync(string sql, Action<NpgsqlParameterCollection> bind) =>
        PgAsync(sql, bind, c => c.ExecuteNonQueryAsync());

    /// <summary>The caller's prepared SQLite command for <paramref name="sql"/> (parameters named in order of
    /// <paramref name="names"/>); set values by index and execute.</summary>
    public SqliteCommand Lite(int worker, string sql, params string[] names) => _liteCommands.GetOrAdd((worker, sql), key =>
    {
        var connection = _liteConnections.GetOrAdd(worker, _ =>
        {
            var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _litePath, Pooling = false }.ToString());
            c.Open();
            Raw.Execute(c, _pragmas);
            return c;
        });
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in names) command.Parameters.Add(new SqliteParameter(name, null));
        command.Prepare();
        return command;
    });

    /// <summary>Runs a raw SQLite write under the in-process writer lock.</summary>
    public async Task<T> LiteWriteAsync<T>(Func<T> write)
    {
        await _liteWriter.WaitAsync().ConfigureAwait(false);
        try { return write(); }
        finally { _liteWriter.Release(); }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var command in _liteCommands.Values) command.Dispose();
        foreach (var connection in _liteConnections.Values) await connection.DisposeAsync();
        if (Pg is not null) await Pg.DisposeAsync();
        await Storage.DisposeAsync();
    }
}
