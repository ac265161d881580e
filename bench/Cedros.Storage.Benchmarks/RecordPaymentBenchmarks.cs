using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace Cedros.Storage.Benchmarks;

/// <summary>
/// One payment recorded per operation (a new signature each time). Baseline: one parameterised
/// <c>INSERT … ON CONFLICT (signature) DO NOTHING</c> in autocommit on a connection kept open. A second raw variant
/// takes a connection from the driver's pool per call, as the storage does (with and without the per-open session
/// reset), and a third runs the storage's exact statement by hand. The storage additionally validates and
/// normalises the record, checks the archive table in the same statement, serialises metadata, and (SQLite) runs the
/// write as a <c>BEGIN IMMEDIATE</c> transaction on a pooled connection behind the in-process writer gate.
/// </summary>
public class RecordPaymentBenchmarks : BackendBenchmark
{
    private long _next;
    private NpgsqlDataSource? _pool;
    private NpgsqlDataSource? _poolNoReset;
    private string _litePool = "";
    private string _pragmas = "";
    private readonly HashSet<IntPtr> _configured = [];

    public static IEnumerable<BackendKind> Backends() => BenchEnv.Backends(BackendKind.Postgres, BackendKind.SqliteFull, BackendKind.SqliteNormal);

    [ParamsSource(nameof(Backends))]
    public override BackendKind Backend { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        await OpenAsync("payments", fresh: true, BenchEnv.Payments, BenchEnv.Payments + "_archive");
        if (IsPostgres)
        {
            _pool = NpgsqlDataSource.Create(BenchEnv.Postgres);
            _poolNoReset = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(BenchEnv.Postgres) { NoResetOnClose = true });
            Owned.Add(_pool);
            Owned.Add(_poolNoReset);
        }
        _litePool = new SqliteConnectionStringBuilder { DataSource = BenchEnv.SqlitePath($"payments-{Backend}"), Pooling = true }.ToString();
        _pragmas = $"PRAGMA busy_timeout = 10000; PRAGMA synchronous = {(Backend == BackendKind.SqliteNormal ? "NORMAL" : "FULL")};";
    }

    [Benchmark(Baseline = true, Description = "raw INSERT ON CONFLICT")]
    public Task RawInsert() => InsertAsync(IsPostgres ? Pg : null, IsPostgres ? null : Lite);

    /// <summary>The raw insert on a connection taken from the driver's pool per call (PostgreSQL: an
    /// <see cref="NpgsqlDataSource"/>; SQLite: a pooled connection re-running the durability pragmas, as the storage
    /// does): how much of the storage's cost is connection handling rather than its SQL or mapping.</summary>
    [Benchmark(Description = "raw INSERT, pooled open per call")]
    public async Task RawInsertPooled()
    {
        if (IsPostgres)
        {
            await using var connection = await _pool!.OpenConnectionAsync();
            await InsertAsync(connection, null);
        }
        else
        {
            using var connection = new SqliteConnection(_litePool);
            connection.Open();
            Raw.Execute(connection, _pragmas);
            await InsertAsync(null, connection);
        }
    }

    /// <summary>As <see cref="RawInsertPooled"/> without the per-open session reset (PostgreSQL: <c>No Reset On
    /// Close=true</c>, so no <c>DISCARD ALL</c>; SQLite: the pragmas are not re-run).</summary>
    [Benchmark(Description = "raw INSERT, pooled, no session reset")]
    public async Task RawInsertPooledNoReset()
    {
        if (IsPostgres)
        {
            await using var connection = await _poolNoReset!.OpenConnectionAsync();
            await InsertAsync(connection, null);
        }
        else
        {
            // Pragmas once per physical connection (a pooled connection keeps its sqlite3 handle and its pragmas).
            using var connection = new SqliteConnection(_litePool);
            connection.Open();
            if (_configured.Add(connection.Handle!.DangerousGetHandle())) Raw.Execute(connection, _pragmas);
            await InsertAsync(null, connection);
        }
    }

    /// <summary>The storage's own statement, by hand on the kept-open connection. PostgreSQL: one
    /// <c>INSERT … SELECT FROM unnest(7 arrays) WHERE NOT EXISTS (archive) ON CONFLICT DO NOTHING RETURNING</c>;
    /// SQLite: <c>BEGIN IMMEDIATE</c>, <c>INSERT … SELECT … WHERE NOT EXISTS (archive) ON CONFLICT DO NOTHING</c>,
    /// <c>COMMIT</c>. Separates the cost of the statement from the cost of the layer around it.</summary>
    [Benchmark(Description = "raw, the storage's statement")]
    public async Task RawStorageStatement()
    {
        var signature = $"raw-{Interlocked.Increment(ref _next)}";
        var now = Raw.Now();
        var archive = BenchEnv.Payments + "_archive";
        if (IsPostgres)
        {
            await using var command = PgCommand($"""
                INSERT INTO {BenchEnv.Payments} (signature, tenant_id, resource_id, wallet, amount, amount_asset, created_at, metadata)
                SELECT u.signature, @t, u.resource_id, u.wallet, u.amount, u.amount_asset, u.created_at, u.metadata::jsonb
                  FROM unnest(@sigs::text[], @resources::text[], @wallets::text[], @amounts::bigint[], @assets::text[],
                              @created::timestamptz[], @metas::text[])
                       AS u(signature, resource_id, wallet, amount, amount_asset, created_at, metadata)
                 WHERE NOT EXISTS (SELECT 1 FROM {archive} a WHERE a.signature = u.signature)
                ON CONFLICT (signature) DO NOTHING
                RETURNING signature
                """);
            command.Parameters.AddWithValue("t", Tenant);
            command.Parameters.AddWithValue("sigs", new[] { signature });
            command.Parameters.AddWithValue("resources", new[] { "product-1" });
            command.Parameters.AddWithValue("wallets", new[] { Samples.Wallet });
            command.Parameters.AddWithValue("amounts", new[] { 1_000_000L });
            command.Parameters.AddWithValue("assets", new[] { "USDC" });
            command.Parameters.AddWithValue("created", new[] { now });
            command.Parameters.AddWithValue("metas", new[] { Samples.PaymentMetadataJson });
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) _ = reader.GetString(0);
            return;
        }
        Raw.Execute(Lite, "BEGIN IMMEDIATE");
        using (var command = LiteCommand($"""
            INSERT INTO {BenchEnv.Payments} (signature, tenant_id, resource_id, wallet, amount, amount_asset, created_at, metadata)
            SELECT @signature, @tenant, @resource, @wallet, @amount, @asset, @created, @metadata
            WHERE NOT EXISTS (SELECT 1 FROM {archive} WHERE signature = @signature)
            ON CONFLICT (signature) DO NOTHING
            """))
        {
            command.Parameters.AddWithValue("@signature", signature);
            command.Parameters.AddWithValue("@tenant", Tenant);
            command.Parameters.AddWithValue("@resource", "product-1");
            command.Parameters.AddWithValue("@wallet", Samples.Wallet);
            command.Parameters.AddWithValue("@amount", 1_000_000L);
            command.Parameters.AddWithValue("@asset", "USDC");
            command.Parameters.AddWithValue("@created", Raw.Micros(now));
            command.Parameters.AddWithValue("@metadata", Samples.PaymentMetadataJson);
            command.ExecuteNonQuery();
        }
        Raw.Execute(Lite, "COMMIT");
    }

    [Benchmark(Description = "RecordPaymentAsync")]
    public Task RecordPayment() =>
        Store.RecordPaymentAsync(Samples.Payment($"storage-{Interlocked.Increment(ref _next)}"));

    private async Task InsertAsync(NpgsqlConnection? pg, SqliteConnection? lite)
    {
        var signature = $"raw-{Interlocked.Increment(ref _next)}";
        var now = Raw.Now();
        var sql = $"""
            INSERT INTO {BenchEnv.Payments} (signature, tenant_id, resource_id, wallet, amount, amount_asset, created_at, metadata)
            VALUES (@signature, @tenant, @resource, @wallet, @amount, @asset, @created, @metadata)
            ON CONFLICT (signature) DO NOTHING
            """;
        if (pg is not null)
        {
            await using var command = new NpgsqlCommand(sql, pg);
            command.Parameters.AddWithValue("signature", signature);
            command.Parameters.AddWithValue("tenant", Tenant);
            command.Parameters.AddWithValue("resource", "product-1");
            command.Parameters.AddWithValue("wallet", Samples.Wallet);
            command.Parameters.AddWithValue("amount", 1_000_000L);
            command.Parameters.AddWithValue("asset", "USDC");
            command.Parameters.AddWithValue("created", now);
            command.Parameters.AddWithValue("metadata", NpgsqlDbType.Jsonb, Samples.PaymentMetadataJson);
            await command.ExecuteNonQueryAsync();
            return;
        }
        using var liteCommand = lite!.CreateCommand();
        liteCommand.CommandText = sql;
        liteCommand.Parameters.AddWithValue("@signature", signature);
        liteCommand.Parameters.AddWithValue("@tenant", Tenant);
        liteCommand.Parameters.AddWithValue("@resource", "product-1");
        liteCommand.Parameters.AddWithValue("@wallet", Samples.Wallet);
        liteCommand.Parameters.AddWithValue("@amount", 1_000_000L);
        liteCommand.Parameters.AddWithValue("@asset", "USDC");
        liteCommand.Parameters.AddWithValue("@created", Raw.Micros(now));
        liteCommand.Parameters.AddWithValue("@metadata", Samples.PaymentMetadataJson);
        liteCommand.ExecuteNonQuery();
    }
}
