using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Cedros.Storage.Benchmarks;

/// <summary>
/// An interleaved A/B measurement of the PostgreSQL archive guard, for machines too noisy for BenchmarkDotNet's
/// one-case-after-the-other runs: blocks of sequential <c>RecordPaymentAsync</c> calls (and of 1,000-payment
/// <c>RecordPaymentsAsync</c> batches) alternate between the guard trigger disabled and enabled, in ABBA order, so
/// load drifting over the run hits both sides alike. Reports the median per-call time of each side and the median of
/// the per-round ratios. Run: <c>dotnet Cedros.Storage.Benchmarks.dll guard-ab [rounds] [calls per block]</c>
/// (PostgreSQL from <c>CEDROS_BENCH_POSTGRES</c>, database <c>cedros_bench_guard</c>).
/// </summary>
public static class ArchiveGuardAb
{
    public static async Task RunAsync(string[] args)
    {
        var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 30;
        var block = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 200;
        // "control": both sides run with the trigger disabled (an A/A run: how far apart two equal sides come out).
        var control = args.Length > 3 && args[3] == "control";
        await using var storage = await BenchEnv.OpenStorageAsync(BackendKind.Postgres, "guard-ab", database: ArchiveGuardBenchmarks.DatabaseName);
        var store = storage.ForTenant(BenchEnv.Tenant);
        await using var pg = await BenchEnv.OpenRawPostgresAsync(ArchiveGuardBenchmarks.DatabaseName);
        await ArchiveGuardBenchmarks.PrepareAsync(pg);
        long next = 0;
        string Sig() => string.Create(CultureInfo.InvariantCulture, $"ab-{++next}");

        var calls = (Off: new List<double>(), On: new List<double>());
        async Task<double> SinglesAsync(List<double>? each = null)
        {
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < block; i++)
            {
                var start = watch.Elapsed;
                await store.RecordPaymentAsync(Samples.Payment(Sig()));
                each?.Add((watch.Elapsed - start).TotalMicroseconds);
            }
            return watch.Elapsed.TotalMicroseconds / block;
        }

        async Task<double> BatchesAsync()
        {
            const int batches = 3;
            var watch = Stopwatch.StartNew();
            for (var b = 0; b < batches; b++)
                await store.RecordPaymentsAsync(Enumerable.Range(0, RecordPaymentsBatchBenchmarks.BatchSize).Select(_ => Samples.Payment(Sig())).ToArray());
            return watch.Elapsed.TotalMicroseconds / batches;
        }

        // Warm-up on both sides (JIT, pool, plan caches).
        foreach (var on in new[] { false, true })
        {
            await ArchiveGuardBenchmarks.SetGuardAsync(pg, on);
            await SinglesAsync();
            await BatchesAsync();
        }

        var single = (Off: new List<double>(), On: new List<double>());
        var batch = (Off: new List<double>(), On: new List<double>());
        for (var r = 0; r < rounds; r++)
        {
            foreach (var on in r % 2 == 0 ? new[] { false, true } : [true, false])
            {
                await ArchiveGuardBenchmarks.SetGuardAsync(pg, on && !control);
                (on ? single.On : single.Off).Add(await SinglesAsync(on ? calls.On : calls.Off));
                (on ? batch.On : batch.Off).Add(await BatchesAsync());
            }
            if (Environment.GetEnvironmentVariable("CEDROS_BENCH_VERBOSE") == "1")
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"round {r}: single off {single.Off[^1]:F0} on {single.On[^1]:F0}; batch off {batch.Off[^1]:F0} on {batch.On[^1]:F0}"));
        }
        await ArchiveGuardBenchmarks.SetGuardAsync(pg, true);

        Report("RecordPaymentAsync", "µs/call", single.Off, single.On);
        // Single calls one by one: on a loaded machine the low percentiles are the calls that were not kept waiting
        // for a CPU, so they show the work itself best.
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RecordPaymentAsync per call: guard off p10 {Percentile(calls.Off, 0.10):F0} / p25 {Percentile(calls.Off, 0.25):F0} / p50 {Percentile(calls.Off, 0.50):F0} µs, " +
            $"guard on p10 {Percentile(calls.On, 0.10):F0} / p25 {Percentile(calls.On, 0.25):F0} / p50 {Percentile(calls.On, 0.50):F0} µs " +
            $"(ratio at p10 {Percentile(calls.On, 0.10) / Percentile(calls.Off, 0.10):F3}, p25 {Percentile(calls.On, 0.25) / Percentile(calls.Off, 0.25):F3}; {calls.Off.Count} calls a side)"));
        Report("RecordPaymentsAsync(1,000)", "µs/batch", batch.Off, batch.On);
    }

    private static void Report(string what, string unit, List<double> off, List<double> on)
    {
        var ratios = off.Zip(on, (a, b) => b / a).ToList();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{what}: guard off median {Median(off):F0} {unit}, guard on median {Median(on):F0} {unit}, " +
            $"ratio of medians {Median(on) / Median(off):F3}, median per-round ratio {Median(ratios):F3} ({off.Count} rounds)"));
    }

    private static double Percentile(List<double> values, double p) => AbStats.Percentile(values, p);

    private static double Median(List<double> values) => AbStats.Median(values);
}
