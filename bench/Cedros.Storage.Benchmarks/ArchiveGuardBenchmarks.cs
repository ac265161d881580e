using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Npgsql;

namespace Cedros.Storage.Benchmarks;

/// <summary>
/// What the PostgreSQL archive guard costs (the ledger's <c>AFTER INSERT … FOR EACH STATEMENT</c> trigger that keeps
/// replays out while archival runs, see docs/decisions.md). The same storage calls on the same table, once with the
/// trigger disabled (<c>ALTER TABLE … DISABLE TRIGGER</c>: exactly the statement the storage ran before the guard
/// existed) as the baseline, once with it on. The archive holds 100,000 rows, so the trigger's lookup is a real index
/// probe. Runs in its own database, <c>cedros_bench_guard</c>, so disabling the trigger never touches another
/// benchmark's tables.
/// </summary>
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ArchiveGuardBenchmarks : BackendBenchmark
{
    private const string Database = "cedros_bench_guard";
    private const string Trigger = "cedros_archive_guard";
    private const int ArchivedRows = 100_000;
    private static readonly string Archive = BenchEnv.Payments + "_archive";
    private long _next;

    public static IEnumerable<BackendKind> Backends() => BenchEnv.Backends(BackendKind.Postgres);

    [ParamsSource(nameof(Backends))]
    public override BackendKind Backend { get; set; }

    [GlobalSetup(Targets = [nameof(RecordPaymentGuardOff), nameof(RecordPaymentsGuardOff)])]
    public Task SetupOffAsync() => SetupAsync(enabled: false);

    [GlobalSetup(Targets = [nameof(RecordPaymentGuardOn), nameof(RecordPaymentsGuardOn)])]
    public Task SetupOnAsync() => SetupAsync(enabled: true);

    [BenchmarkCategory("RecordPaymentAsync"), Benchmark(Baseline = true, Description = "RecordPaymentAsync, guard trigger disabled")]
    public Task RecordPaymentGuardOff() => RecordOneAsync();

    [BenchmarkCategory("RecordPaymentAsync"), Benchmark(Description = "RecordPaymentAsync, guard trigger on")]
    public Task RecordPaymentGuardOn() => RecordOneAsync();

    [BenchmarkCategory("RecordPaymentsAsync(1,000)"), Benchmark(Baseline = true, Description = "RecordPaymentsAsync(1,000), guard trigger disabled")]
    public Task RecordPaymentsGuardOff() => RecordBatchAsync();

    [BenchmarkCategory("RecordPaymentsAsync(1,000)"), Benchmark(Description = "RecordPaymentsAsync(1,000), guard trigger on")]
    public Task RecordPaymentsGuardOn() => RecordBatchAsync();

    private Task RecordOneAsync() =>
        Store.RecordPaymentAsync(Samples.Payment(string.Create(CultureInfo.InvariantCulture, $"guard-{Interlocked.Increment(ref _next)}")));

    private Task RecordBatchAsync()
    {
        var batch = Interlocked.Increment(ref _next);
        var payments = new PaymentTransaction[RecordPaymentsBatchBenchmarks.BatchSize];
        for (var i = 0; i < payments.Length; i++)
            payments[i] = Samples.Payment(string.Create(CultureInfo.InvariantCulture, $"guard-{batch}-{i}"));
        return Store.RecordPaymentsAsync(payments);
    }

    private async Task SetupAsync(bool enabled)
    {
        // Opening ensures (and re-enables) the trigger; the baseline disables it afterwards.
        await OpenInAsync(Database, "guard", fresh: true);
        await PrepareAsync(Pg);
        await SetGuardAsync(Pg, enabled);
    }

    /// <summary>The database this benchmark (and <see cref="ArchiveGuardAb"/>) works in.</summary>
    public static string DatabaseName => Database;

    /// <summary>Empties the ledger and fills the archive with <see cref="ArchivedRows"/> rows (once).</summary>
    public static async Task PrepareAsync(NpgsqlConnection pg)
    {
        await ExecAsync(pg, $"TRUNCATE {BenchEnv.Payments}");
        await using var count = new NpgsqlCommand($"SELECT count(*) FROM {Archive}", pg);
        if ((long)(await count.ExecuteScalarAsync())! >= ArchivedRows) return;
        await ExecAsync(pg, $"""
            INSERT INTO {Archive} (signature, tenant_id, resource_id, wallet, amount, amount_asset, created_at, metadata, archived_at)
            SELECT 'archived-' || g, 'bench', 'product-1', 'w', 1000000, 'USDC', now() - interval '200 days', jsonb_build_object(), now()
              FROM generate_series(1, {ArchivedRows}) g
            ON CONFLICT (signature) DO NOTHING
            """);
        await ExecAsync(pg, $"VACUUM ANALYZE {Archive}");
    }

    /// <summary>Enables or disables the guard trigger on the ledger.</summary>
    public static Task SetGuardAsync(NpgsqlConnection pg, bool enabled) =>
        ExecAsync(pg, $"ALTER TABLE {BenchEnv.Payments} {(enabled ? "ENABLE" : "DISABLE")} TRIGGER {Trigger}");

    private static async Task ExecAsync(NpgsqlConnection pg, string sql)
    {
        await using var command = new NpgsqlCommand(sql, pg);
        await command.ExecuteNonQueryAsync();
    }
}
