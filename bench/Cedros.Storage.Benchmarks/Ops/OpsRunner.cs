using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Cedros.Storage.Benchmarks.Ops;

/// <summary>
/// Issue 15's throughput comparison: each case runs the storage call and the raw-driver statement a good engineer would
/// write by hand (pooled, prepared) at 1, 4 and 16 concurrent callers, in interleaved blocks (ABBA) so the load of the
/// moment falls on both sides alike. Per case and caller count it reports operations per second of each side (summed
/// over all blocks), the median of the per-round ratios, and p50/p99 latency.
/// Run: <c>dotnet Cedros.Storage.Benchmarks.dll ops [--quick] [--rounds N] [--block-ms N] [--warm-ms N] [--verbose] [--callers 1,4,16]
/// [--backends Postgres,SqliteNormal,SqliteFull,Memory] [--cases "record payment,get cart",...] [--census]</c>.
/// </summary>
public static class OpsRunner
{
    public static async Task RunAsync(string[] args)
    {
        var settings = OpsSettings.Parse(args);
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"# ops {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, " +
            $".NET {Environment.Version}, load {OpsSettings.LoadAverage()}; {settings.Rounds} rounds of {settings.Block.TotalMilliseconds} ms blocks a side");
        report.AppendLine();
        report.AppendLine("| case | backend | callers | storage ops/s | raw ops/s | ratio | storage p50 / p99 µs | raw p50 / p99 µs |");
        report.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|");
        Console.Write(report);
        foreach (var backend in settings.Backends)
        {
            await using var bench = await OpsBackend.OpenAsync(backend);
            foreach (var opsCase in OpsCases.For(bench).Where(c => settings.Cases.Count == 0 || settings.Cases.Contains(c.Name)))
            {
                await opsCase.SetupAsync();
                await bench.AnalyzeAsync();
                var warm = settings.Warm;
                foreach (var callers in settings.Callers)
                {
                    var line = await MeasureAsync(opsCase, backend, callers, warm, settings);
                    warm = TimeSpan.FromMilliseconds(Math.Min(300, warm.TotalMilliseconds));
                    Console.WriteLine(line);
                    report.AppendLine(line);
                }
            }
        }
        var path = Path.Combine(settings.Artifacts, $"ops-{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}.md");
        Directory.CreateDirectory(settings.Artifacts);
        await File.WriteAllTextAsync(path, report.ToString());
        Console.Error.WriteLine($"Report: {path}");
    }

    /// <summary>Warms both sides for <paramref name="warm"/> (the case's first caller count gets the long warm-up: its
    /// code is still being compiled to its final tier, which on 2 busy cores takes seconds and favours the side with
    /// less code), then measures the interleaved rounds.</summary>
    private static async Task<string> MeasureAsync(OpsCase opsCase, OpsBackendKind backend, int callers, TimeSpan warm, OpsSettings settings)
    {
        var storage = new Side();
        var raw = new Side();
        await BlockAsync(opsCase.StorageAsync, callers, warm, null);
        if (opsCase.HasRaw) await BlockAsync(opsCase.RawAsync, callers, warm, null);
        var ratios = new List<double>();
        for (var r = 0; r < settings.Rounds; r++)
        {
            var storageFirst = r % 2 == 0 || !opsCase.HasRaw;
            double s = 0, w = 0, sCpu = 0, wCpu = 0, sServer = double.NaN, wServer = double.NaN;
            string sGc = "", wGc = "";
            for (var half = 0; half < 2; half++)
            {
                var doStorage = half == 0 ? storageFirst : !storageFirst;
                if (doStorage || opsCase.HasRaw) await opsCase.BeforeBlockAsync();
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var server = settings.Verbose && backend == OpsBackendKind.Postgres ? ServerCpu.Now() : null;
                var before = storage.Operations + raw.Operations;
                var gc = GcCounts.Now();
                if (doStorage) s = await BlockAsync(opsCase.StorageAsync, callers, settings.Block, storage);
                else if (opsCase.HasRaw) w = await BlockAsync(opsCase.RawAsync, callers, settings.Block, raw);
                var calls = Math.Max(1, storage.Operations + raw.Operations - before);
                var perOp = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMicroseconds / calls;
                var serverPerOp = server is null ? double.NaN : ((ServerCpu.Now() ?? server.Value) - server.Value).TotalMicroseconds / calls;
                var gcs = GcCounts.Now().Since(gc, calls);
                if (doStorage) (sCpu, sServer, sGc) = (perOp, serverPerOp, gcs);
                else (wCpu, wServer, wGc) = (perOp, serverPerOp, gcs);
            }
            if (opsCase.HasRaw) ratios.Add(s / w);
            if (settings.Verbose)
                Console.Error.WriteLine(opsCase.HasRaw
                    ? string.Create(CultureInfo.InvariantCulture, $"  round {r} (to {DateTime.UtcNow:HH:mm:ss.f}): storage {s:N0}/s ({sCpu:F1} µs CPU of this process per call{Server(sServer)}{sGc}), raw {w:N0}/s ({wCpu:F1} µs{Server(wServer)}{wGc}), {s / w:F3}")
                    : string.Create(CultureInfo.InvariantCulture, $"  round {r}: storage {s:N0}/s ({sCpu:F1} µs CPU of this process per call)"));
        }
        if (settings.Census)
        {
            using var census = new AllocationCensus();
            Console.Error.Write(await census.MeasureAsync("storage", () => CallsAsync(opsCase.StorageAsync)));
            if (opsCase.HasRaw) Console.Error.Write(await census.MeasureAsync("raw", () => CallsAsync(opsCase.RawAsync)));
        }
        async Task<long> CallsAsync(Func<int, long, Task> call)
        {
            var counted = new Side();
            await BlockAsync(call, callers, settings.Block, counted);
            return counted.Operations;
        }
        static string Server(double perOp) => double.IsNaN(perOp) ? "" : string.Create(CultureInfo.InvariantCulture, $", server {perOp:F1} µs");
        string Lat(Side side) => side.Latencies.Count == 0 ? "–"
            : string.Create(CultureInfo.InvariantCulture, $"{AbStats.Percentile(side.Latencies, 0.50):F0} / {AbStats.Percentile(side.Latencies, 0.99):F0}");
        return string.Create(CultureInfo.InvariantCulture,
            $"| {opsCase.Name} | {backend} | {callers} | {storage.Rate:N0} | {(opsCase.HasRaw ? raw.Rate.ToString("N0", CultureInfo.InvariantCulture) : "–")} | " +
            $"{(opsCase.HasRaw ? AbStats.Median(ratios).ToString("F3", CultureInfo.InvariantCulture) : "–")} | {Lat(storage)} | {Lat(raw)} |");
    }

    /// <summary>Runs <paramref name="callers"/> loops for <paramref name="length"/>; returns operations per second.</summary>
    private static async Task<double> BlockAsync(Func<int, long, Task> call, int callers, TimeSpan length, Side? side)
    {
        var watch = Stopwatch.StartNew();
        var counts = new long[callers];
        var latencies = new List<double>[callers];
        var loops = Enumerable.Range(0, callers).Select(worker => Task.Run(async () =>
        {
            var mine = latencies[worker] = new List<double>(4096);
            long n = 0;
            while (watch.Elapsed < length)
            {
                var start = Stopwatch.GetTimestamp();
                await call(worker, OpsCase.Next()).ConfigureAwait(false);
                mine.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
                n++;
            }
            counts[worker] = n;
        })).ToArray();
        await Task.WhenAll(loops);
        var elapsed = watch.Elapsed;
        var total = counts.Sum();
        if (side is not null)
        {
            side.Operations += total;
            side.Seconds += elapsed.TotalSeconds;
            foreach (var list in latencies) side.Latencies.AddRange(list);
        }
        return total / elapsed.TotalSeconds;
    }

    private sealed class Side
    {
        public long Operations;
        public double Seconds;
        public readonly List<double> Latencies = [];
        public double Rate => Seconds == 0 ? 0 : Operations / Seconds;
    }
}
