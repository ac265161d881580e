using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace Cedros.Storage.Benchmarks.Ops;

/// <summary>
/// Issue 15's batch target: <c>RecordPaymentsAsync</c> of N new payments (default 10,000) against the raw driver
/// writing the same rows to the same table: on PostgreSQL a binary <c>COPY … FROM STDIN (FORMAT BINARY)</c>
/// (<c>BeginBinaryImportAsync</c>) — and, to pick the storage's per-size strategy, the storage's former shape by hand,
/// one <c>INSERT … SELECT FROM unnest(arrays) WHERE NOT EXISTS (archive) ON CONFLICT DO NOTHING RETURNING</c>; on
/// SQLite (synchronous NORMAL and FULL) one transaction re-executing one prepared plain <c>INSERT</c> per row.
/// Both sides start from the same <see cref="PaymentTransaction"/> objects (the raw side serialises each row's metadata
/// with System.Text.Json, as a hand-written layer must), every round uses fresh signatures, and the ledger is emptied
/// before every measured call, so no side inherits the other's rows. Rounds alternate the order (ABBA); the report
/// gives the median time per call, rows/s and the median of the per-round ratios (storage rows/s ÷ raw rows/s).
/// Run: <c>dotnet Cedros.Storage.Benchmarks.dll batch [--quick] [--rows 10000 | 10,100,1000,10000] [--rounds 6] [--warmups 3]
/// [--backends Postgres,SqliteNormal,SqliteFull]</c>. <c>--quick</c> (CI: the harness works, no thresholds): 1,000 rows, 2 rounds.
/// PostgreSQL works in its own database <c>cedros_bench_batch</c> (other runners truncate <c>cedros_bench</c>).
/// </summary>
public static class BatchRunner
{
    private const string PgDatabase = "cedros_bench_batch";
    private static readonly string Table = OpsBackend.Tables.Payments;

    public static async Task RunAsync(string[] args)
    {
        var quick = args.Contains("--quick");
        var sizes = (args.Option("--rows") ?? (quick ? "1000" : "10000")).Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var rounds = int.Parse(args.Option("--rounds") ?? (quick ? "2" : "6"), CultureInfo.InvariantCulture);
        var warmups = int.Parse(args.Option("--warmups") ?? (quick ? "1" : "3"), CultureInfo.InvariantCulture);
        var backends = (args.Option("--backends") ?? "Postgres,SqliteNormal,SqliteFull").Split(',').Select(Enum.Parse<OpsBackendKind>).ToArray();
        Console.WriteLine($"# batch {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}, " +
            $"load {OpsSettings.LoadAverage()}; {rounds} rounds (ABBA), ledger emptied before every call");
        Console.WriteLine();
        Console.WriteLine("| backend | rows | storage ms (median) | storage rows/s | raw ms | raw rows/s | ratio | raw unnest ms | unnest ÷ COPY | load |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        var run = Guid.NewGuid().ToString("N")[..6];
        foreach (var kind in backends)
        {
            await using var side = await Sides.OpenAsync(kind);
            foreach (var rows in sizes)
            {
                // Warm-up (not measured): prepared statements, pools, and the JIT — .NET compiles a method quickly first
                // and optimised only after it has run a while (tiered compilation), so the first calls of a 10,000-row
                // batch run partly unoptimised code: validation alone took 35–67 ms in the first rounds, 6.5 ms later.
                for (var w = 0; w < warmups; w++)
                {
                    await side.EmptyAsync();
                    await side.StorageAsync(Payments($"{run}-w{rows}-{w}-s", rows));
                    await side.EmptyAsync();
                    if (side.HasRaw) await side.RawAsync(Payments($"{run}-w{rows}-{w}-r", rows));
                    await side.EmptyAsync();
                    if (side.Pg is not null) await side.UnnestAsync(Payments($"{run}-w{rows}-{w}-u", rows));
                }
                var storage = new List<double>();
                var raw = new List<double>();
                var unnest = new List<double>();
                var ratios = new List<double>();
                for (var r = 0; r < rounds; r++)
                {
                    var s = Payments($"{run}-{rows}-{r}-s", rows);
                    var w = Payments($"{run}-{rows}-{r}-r", rows);
                    var u = Payments($"{run}-{rows}-{r}-u", rows);
                    double ts = 0, tw = 0;
                    // ABBA: even rounds storage first, odd rounds raw first.
                    foreach (var step in r % 2 == 0 ? new[] { 0, 1, 2 } : [2, 1, 0])
                    {
                        await side.EmptyAsync();
                        switch (step)
                        {
                            case 0: storage.Add(ts = await TimeAsync(() => side.StorageAsync(s))); break;
                            case 1 when side.HasRaw: raw.Add(tw = await TimeAsync(() => side.RawAsync(w))); break;
                            case 2 when side.Pg is not null: unnest.Add(await TimeAsync(() => side.UnnestAsync(u))); break;
                        }
                    }
                    if (side.HasRaw) ratios.Add(tw / ts);
                }
                var sm = AbStats.Median(storage);
                if (!side.HasRaw)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {kind} | {rows:N0} | {sm:F1} | {rows / sm * 1000:N0} | – | – | – | – | – | {OpsSettings.LoadAverage()} |"));
                    continue;
                }
                var wm = AbStats.Median(raw);
                var um = unnest.Count > 0 ? AbStats.Median(unnest) : double.NaN;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {kind} | {rows:N0} | {sm:F1} | {rows / sm * 1000:N0} | {wm:F1} | {rows / wm * 1000:N0} | {AbStats.Median(ratios):F2} | " +
                    $"{(double.IsNaN(um) ? "–" : um.ToString("F1", CultureInfo.InvariantCulture))} | " +
                    $"{(double.IsNaN(um) ? "–" : (wm / um).ToString("F2", CultureInfo.InvariantCulture))} | {OpsSettings.LoadAverage()} |"));
            }
        }
    }

    private static async Task<double> TimeAsync(Func<Task> call)
    {
        var watch = Stopwatch.StartNew();
        await call();
        return watch.Elapsed.TotalMilliseconds;
    }

    /// <summary>Fresh payments (88-character signatures, as Solana's base58 ones), built before the clock starts.</summary>
    internal static PaymentTransaction[] Payments(string prefix, int rows)
    {
        var now = Raw.Now();
        var payments = new PaymentTransaction[rows];
        for (var i = 0; i < rows; i++)
            payments[i] = Samples.Payment((prefix + "-" + i.ToString(CultureInfo.InvariantCulture)).PadRight(88, 'x')) with { CreatedAt = now };
        return payments;
    }

    /// <summary>Binary COPY of <paramref name="payments"/> into the ledger (the raw baseline; the archive-load seed).</summary>
    internal static async Task CopyAsync(NpgsqlConnection connection, IReadOnlyList<PaymentTransaction> payments, string tenant)
    {
        await using var import = await connection.BeginBinaryImportAsync(
            $"COPY {Table} (signature, tenant_id, resource_id, wallet, amount, amount_asset, created_at, metadata) FROM STDIN (FORMAT BINARY)");
        foreach (var p in payments)
        {
            await import.StartRowAsync();
            await import.WriteAsync(p.Signature, NpgsqlDbType.Text);
            await import.WriteAsync(tenant, NpgsqlDbType.Text);
            await import.WriteAsync(p.ResourceId, NpgsqlDbType.Text);
            await import.WriteAsync(p.Wallet, NpgsqlDbType.Text);
            await import.WriteAsync(p.Amount, NpgsqlDbType.Bigint);
            await import.WriteAsync(p.AmountAsset, NpgsqlDbType.Text);
            await import.WriteAsync(new DateTime(p.CreatedAt.UtcTicks, DateTimeKind.Unspecified), NpgsqlDbType.Timestamp);
            await import.WriteAsync(JsonSerializer.Serialize(p.Metadata), NpgsqlDbType.Jsonb);
        }
        await import.CompleteAsync();
    }

    /// <summary>The storage and the raw driver on one backend's database.</summary>
    private sealed class Sides : IAsyncDisposable
    {
        private ICedrosStorage _storage = null!;
        private ITenantStorage _store = null!;
        private SqliteConnection? _lite;

        public NpgsqlDataSource? Pg { get; private set; }

        /// <summary>False for the in-memory backend (no driver to compare with: its row shows the storage alone).</summary>
        public bool HasRaw => Pg is not null || _lite is not null;

        public static async Task<Sides> OpenAsync(OpsBackendKind kind)
        {
            var sides = new Sides();
            if (kind == OpsBackendKind.Memory)
            {
                sides._storage = new Cedros.Storage.InMemory.InMemoryStorage();
                sides._store = sides._storage.ForTenant(BenchEnv.Tenant);
                return sides;
            }
            var backend = kind switch
            {
                OpsBackendKind.Postgres => BackendKind.Postgres,
                OpsBackendKind.SqliteNormal => BackendKind.SqliteNormal,
                _ => BackendKind.SqliteFull,
            };
            sides._storage = await BenchEnv.OpenStorageAsync(backend, "batch-" + kind, database: PgDatabase);
            sides._store = sides._storage.ForTenant(BenchEnv.Tenant);
            if (kind == OpsBackendKind.Postgres)
            {
                sides.Pg = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(BenchEnv.PostgresFor(PgDatabase))
                {
                    MaxAutoPrepare = 64, AutoPrepareMinUsages = 2, NoResetOnClose = true,
                });
                await using var connection = await sides.Pg.OpenConnectionAsync();
                await using var truncate = new NpgsqlCommand($"TRUNCATE {Table}, {Table}_archive", connection);
                await truncate.ExecuteNonQueryAsync();
            }
            else
            {
                sides._lite = BenchEnv.OpenRawSqlite(backend, "batch-" + kind);
            }
            return sides;
        }

        public Task StorageAsync(PaymentTransaction[] payments) => _store.RecordPaymentsAsync(payments);

        public async Task RawAsync(PaymentTransaction[] payments)
        {
            if (Pg is not null)
            {
                await using var connection = await Pg.OpenConnectionAsync();
                await CopyAsync(connection, payments, BenchEnv.Tenant);
                return;
            }
            using var tx = _lite!.BeginTransaction();
            using var command = _lite.CreateCommand();
            command.Transaction = tx;
            command.CommandText = $"""
                INSERT INTO {Table} (signature, tenant_id, resource_id, wallet, amount, amount_asset, created_at, metadata)
                VALUES (@signature, @tenant, @resource, @wallet, @amount, @asset, @created, @metadata)
                """;
            var parameters = new[] { "@signature", "@tenant", "@resource", "@wallet", "@amount", "@asset", "@created", "@metadata" }
                .Select(n => command.Parameters.Add(new SqliteParameter(n, null))).ToArray();
            command.Prepare();
            foreach (var p in payments)
            {
                parameters[0].Value = p.Signature;
                parameters[1].Value = BenchEnv.Tenant;
                parameters[2].Value = p.ResourceId;
                parameters[3].Value = p.Wallet;
                parameters[4].Value = p.Amount;
                parameters[5].Value = p.AmountAsset;
                parameters[6].Value = Raw.Micros(p.CreatedAt);
                parameters[7].Value = JsonSerializer.Serialize(p.Metadata);
                command.ExecuteNonQuery();
            }
            tx.Commit();
        }

        /// <summary>The storage's former PostgreSQL batch statement by hand (archive-checked, conflict-skipping unnest).</summary>
        public async Task UnnestAsync(PaymentTransaction[] payments)
        {
            await using var connection = await Pg!.OpenConnectionAsync();
            await using var command = new NpgsqlCommand($"""
                INSERT INTO {Table} (signature, tenant_id, resource_id, wallet, amount, amount_asset, created_at, metadata)
                SELECT u.signature, $1, u.resource_id, u.wallet, u.amount, u.amount_asset, u.created_at, u.metadata::jsonb
                  FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::timestamptz[], $8::text[])
                       AS u(signature, resource_id, wallet, amount, amount_asset, created_at, metadata)
                 WHERE NOT EXISTS (SELECT 1 FROM {Table}_archive a WHERE a.signature = u.signature)
                ON CONFLICT (signature) DO NOTHING
                RETURNING signature
                """, connection);
            command.Parameters.Add(new() { Value = BenchEnv.Tenant });
            command.Parameters.Add(new() { Value = payments.Select(p => p.Signature).ToArray() });
            command.Parameters.Add(new() { Value = payments.Select(p => p.ResourceId).ToArray() });
            command.Parameters.Add(new() { Value = payments.Select(p => p.Wallet).ToArray() });
            command.Parameters.Add(new() { Value = payments.Select(p => p.Amount).ToArray() });
            command.Parameters.Add(new() { Value = payments.Select(p => p.AmountAsset).ToArray() });
            command.Parameters.Add(new() { Value = payments.Select(p => p.CreatedAt).ToArray() });
            command.Parameters.Add(new() { Value = payments.Select(p => JsonSerializer.Serialize(p.Metadata)).ToArray() });
            await using var reader = await command.ExecuteReaderAsync();
            var inserted = 0;
            while (await reader.ReadAsync()) inserted++;
            if (inserted != payments.Length) throw new InvalidOperationException("raw unnest: not every row inserted");
        }

        /// <summary>Empties the ledger (the archive stays empty) so every call starts from the same table.</summary>
        public async Task EmptyAsync()
        {
            if (!HasRaw) return;
            if (Pg is not null)
            {
                await using var connection = await Pg.OpenConnectionAsync();
                await using var truncate = new NpgsqlCommand($"TRUNCATE {Table}", connection);
                await truncate.ExecuteNonQueryAsync();
                return;
            }
            Raw.Execute(_lite!, $"DELETE FROM {Table}; PRAGMA wal_checkpoint(TRUNCATE);");
        }

        public async ValueTask DisposeAsync()
        {
            _lite?.Dispose();
            if (Pg is not null) await Pg.DisposeAsync();
            await _storage.DisposeAsync();
        }
    }
}
