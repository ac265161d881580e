using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace Cedros.Storage.Benchmarks.Ops;

/// <summary>
/// Issue 15's archival target: with N old payments in the ledger (default 1,000,000, created 200 days ago), one caller
/// records new payments (<c>RecordPaymentAsync</c>, one at a time) for a while; then <c>ArchiveOldPaymentsAsync</c>
/// (retention 90 days) runs concurrently until it has moved every old row, while the caller goes on recording; then
/// the caller records alone once more. Reports the recording latency p50/p99 (p99.9 and max) before, during and after, the
/// ratio p99 during ÷ p99 before (target ≤ 3), and the archival rate. The seed is written by the raw driver (binary
/// COPY on PostgreSQL, one prepared insert in 50,000-row transactions on SQLite).
/// Run: <c>dotnet Cedros.Storage.Benchmarks.dll archive-load [--quick] [--rows 1000000] [--before-s 10]
/// [--batch-size N] [--rate N] [--backends Postgres,SqliteNormal,SqliteFull]</c>; <c>--rate</c> paces the caller to N
/// payments a second. <c>--quick</c>: 20,000 rows, 2 s before/after.
/// PostgreSQL works in its own database <c>cedros_bench_archive</c>.
/// </summary>
public static class ArchiveLoadRunner
{
    private const string PgDatabase = "cedros_bench_archive";
    private static readonly string Table = OpsBackend.Tables.Payments;

    public static async Task RunAsync(string[] args)
    {
        var quick = args.Contains("--quick");
        var rows = int.Parse(args.Option("--rows") ?? (quick ? "20000" : "1000000"), CultureInfo.InvariantCulture);
        var alone = TimeSpan.FromSeconds(double.Parse(args.Option("--before-s") ?? (quick ? "2" : "10"), CultureInfo.InvariantCulture));
        var batchSize = args.Option("--batch-size") is { } b ? int.Parse(b, CultureInfo.InvariantCulture) : (int?)null;
        // --rate N: the caller records at most N payments a second (sparse live writes) instead of back to back.
        var pause = args.Option("--rate") is { } r ? TimeSpan.FromSeconds(1.0 / double.Parse(r, CultureInfo.InvariantCulture)) : TimeSpan.Zero;
        var backends = (args.Option("--backends") ?? "Postgres,SqliteNormal,SqliteFull").Split(',').Select(Enum.Parse<OpsBackendKind>).ToArray();
        Console.WriteLine($"# archive-load {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}, " +
            $"load {OpsSettings.LoadAverage()}; {rows:N0} old payments, 1 recording caller" + (pause > TimeSpan.Zero ? $" at {args.Option("--rate")}/s" : " back to back") +
            $", {alone.TotalSeconds:F0} s alone before and after" +
            (batchSize is { } bs ? $", housekeeping_batch_size {bs}" : ", default housekeeping_batch_size"));
        Console.WriteLine();
        Console.WriteLine("| backend | before p50 / p99 / p99.9 / max µs | during p50 / p99 / p99.9 / max µs | after p50 / p99 µs | p99 during ÷ before | recorded during | archived | archival rows/s | load |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var kind in backends)
        {
            if (kind == OpsBackendKind.Memory) continue;
            var backend = kind switch
            {
                OpsBackendKind.Postgres => BackendKind.Postgres,
                OpsBackendKind.SqliteNormal => BackendKind.SqliteNormal,
                _ => BackendKind.SqliteFull,
            };
            await using var storage = await BenchEnv.OpenStorageAsync(backend, "archive-load-" + kind, database: PgDatabase,
                configure: o => { if (batchSize is { } size) o.HousekeepingBatchSize = size; });
            var store = storage.ForTenant(BenchEnv.Tenant);
            var old = Raw.Now().AddDays(-200);
            if (kind == OpsBackendKind.Postgres) await SeedPostgresAsync(rows, old);
            else SeedSqlite(backend, "archive-load-" + kind, rows, old);

            var run = Guid.NewGuid().ToString("N")[..6];
            long next = 0;
            async Task<List<double>> RecordAsync(Func<bool> goOn)
            {
                var latencies = new List<double>();
                while (goOn())
                {
                    var payment = Samples.Payment($"live-{run}-{next++}");
                    var start = Stopwatch.GetTimestamp();
                    await store.RecordPaymentAsync(payment);
                    var took = Stopwatch.GetElapsedTime(start);
                    latencies.Add(took.TotalMicroseconds);
                    if (pause > took) await Task.Delay(pause - took);
                }
                return latencies;
            }
            // Warm-up, then alone.
            var warm = Stopwatch.StartNew();
            await RecordAsync(() => warm.Elapsed < TimeSpan.FromMilliseconds(500));
            var clock = Stopwatch.StartNew();
            var before = await RecordAsync(() => clock.Elapsed < alone);

            var archiveWatch = Stopwatch.StartNew();
            var archival = Task.Run(() => store.ArchiveOldPaymentsAsync(Raw.Now().AddDays(-90)));
            var during = await RecordAsync(() => !archival.IsCompleted);
            var archived = await archival;
            var archiveTime = archiveWatch.Elapsed;
            if (archived != rows) throw new InvalidOperationException($"archive-load: archived {archived:N0} of {rows:N0}");

            clock.Restart();
            var after = await RecordAsync(() => clock.Elapsed < alone);
            string P(List<double> l, double p) => AbStats.Percentile(l, p).ToString("F0", CultureInfo.InvariantCulture);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {kind} | {P(before, 0.5)} / {P(before, 0.99)} / {P(before, 0.999)} / {before.Max():F0} | {P(during, 0.5)} / {P(during, 0.99)} / {P(during, 0.999)} / {during.Max():F0} | " +
                $"{P(after, 0.5)} / {P(after, 0.99)} | {AbStats.Percentile(during, 0.99) / AbStats.Percentile(before, 0.99):F2} | {during.Count:N0} | " +
                $"{archived:N0} | {archived / archiveTime.TotalSeconds:N0} | {OpsSettings.LoadAverage()} |"));
        }
    }

    private static async Task SeedPostgresAsync(int rows, DateTimeOffset createdAt)
    {
        await using var connection = new NpgsqlConnection(BenchEnv.PostgresFor(PgDatabase));
        await connection.OpenAsync();
        await using (var truncate = new NpgsqlCommand($"TRUNCATE {Table}, {Table}_archive", connection))
            await truncate.ExecuteNonQueryAsync();
        var created = new DateTime(createdAt.UtcTicks, DateTimeKind.Unspecified);
        await using (var import = await connection.BeginBinaryImportAsync(
            $"COPY {Table} (signature, tenant_id, resource_id, wallet, amount, amount_asset, created_at, metadata) FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < rows; i++)
            {
                await import.StartRowAsync();
                await import.WriteAsync(Signature(i), NpgsqlDbType.Text);
                await import.WriteAsync(BenchEnv.Tenant, NpgsqlDbType.Text);
                await import.WriteAsync("product-1", NpgsqlDbType.Text);
                await import.WriteAsync(Samples.Wallet, NpgsqlDbType.Text);
                await import.WriteAsync(1_000_000L, NpgsqlDbType.Bigint);
                await import.WriteAsync("USDC", NpgsqlDbType.Text);
                await import.WriteAsync(created.AddTicks(i * 10L), NpgsqlDbType.Timestamp);
                await import.WriteAsync(Samples.PaymentMetadataJson, NpgsqlDbType.Jsonb);
            }
            await import.CompleteAsync();
        }
        foreach (var table in new[] { Table.ToString(), Table + "_archive" })
        {
            await using var vacuum = new NpgsqlCommand($"VACUUM ANALYZE {table}", connection) { CommandTimeout = 600 };
            await vacuum.ExecuteNonQueryAsync();
        }
    }

    private static void SeedSqlite(BackendKind kind, string name, int rows, DateTimeOffset createdAt)
    {
        using var connection = BenchEnv.OpenRawSqlite(kind, name);
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            INSERT INTO {Table} (signature, tenant_id, resource_id, wallet, amount, amount_asset, created_at, metadata)
            VALUES (@s, @t, 'product-1', @w, 1000000, 'USDC', @c, @m)
            """;
        var signature = command.Parameters.Add("@s", SqliteType.Text);
        command.Parameters.AddWithValue("@t", BenchEnv.Tenant);
        command.Parameters.AddWithValue("@w", Samples.Wallet);
        var created = command.Parameters.Add("@c", SqliteType.Integer);
        command.Parameters.AddWithValue("@m", Samples.PaymentMetadataJson);
        var micros = Raw.Micros(createdAt);
        for (var start = 0; start < rows; start += 50_000)
        {
            using var tx = connection.BeginTransaction();
            command.Transaction = tx;
            command.Prepare();
            for (var i = start; i < Math.Min(rows, start + 50_000); i++)
            {
                signature.Value = Signature(i);
                created.Value = micros + i;
                command.ExecuteNonQuery();
            }
            tx.Commit();
        }
        Raw.Execute(connection, "PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;");
    }

    private static string Signature(int i) => ("old-" + i.ToString(CultureInfo.InvariantCulture)).PadRight(88, 'x');
}
