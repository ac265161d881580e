using System.Diagnostics;
using System.Globalization;
using Cedros.Storage.FrontDoor;
using Cedros.Storage.Validation;

namespace Cedros.Storage.Benchmarks;

/// <summary>
/// Interleaved A/B of the front door's cost on the single-payment path (issue 14: tracing and metrics under 3% with no
/// listener attached), for machines too noisy for BenchmarkDotNet's one-case-after-the-other runs. Side A calls the
/// driver's insert directly with the payment prepared exactly as the front door prepares it; side B calls
/// <c>RecordPaymentAsync</c> (the call wrapper, telemetry check and replay check on top). Blocks alternate in ABBA
/// order. Reports per backend the median per-round ratio and the per-call ratio at p10/p25/p50.
/// Run: <c>dotnet Cedros.Storage.Benchmarks.dll frontdoor-ab [rounds] [calls per block] [backends]</c>.
/// </summary>
public static class FrontDoorAb
{
    public static async Task RunAsync(string[] args)
    {
        var rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 30;
        var block = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 200;
        var backends = args.Length > 3 ? args[3].Split(',') : ["Memory", "SqliteNormal", "Postgres"];
        foreach (var backend in backends)
        {
            await using var storage = backend switch
            {
                "Memory" => new InMemory.InMemoryStorage(),
                "Postgres" => await BenchEnv.OpenStorageAsync(BackendKind.Postgres, "frontdoor-ab"),
                _ => await BenchEnv.OpenStorageAsync(Enum.Parse<BackendKind>(backend), "frontdoor-ab"),
            };
            await MeasureAsync(backend, (TenantStore)storage.ForTenant(BenchEnv.Tenant), rounds, block);
        }
    }

    private static async Task MeasureAsync(string backend, TenantStore store, int rounds, int block)
    {
        long next = 0;
        var run = Guid.NewGuid().ToString("N")[..8];
        PaymentTransaction Next() => Samples.Payment(string.Create(CultureInfo.InvariantCulture, $"fd-{run}-{++next}"));
        Task Direct() => store.Driver.InsertPaymentAsync(Prepare.Payment(store.TenantId, Next(), store.Now), CancellationToken.None);
        Task Door() => store.RecordPaymentAsync(Next());

        var perCall = (Direct: new List<double>(), Door: new List<double>());
        async Task<double> BlockAsync(Func<Task> call, List<double>? each)
        {
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < block; i++)
            {
                var start = watch.Elapsed;
                await call();
                each?.Add((watch.Elapsed - start).TotalMicroseconds);
            }
            return watch.Elapsed.TotalMicroseconds / block;
        }

        await BlockAsync(Direct, null);
        await BlockAsync(Door, null);
        var perRound = (Direct: new List<double>(), Door: new List<double>());
        for (var r = 0; r < rounds; r++)
        {
            foreach (var door in r % 2 == 0 ? new[] { false, true } : [true, false])
            {
                if (door) perRound.Door.Add(await BlockAsync(Door, perCall.Door));
                else perRound.Direct.Add(await BlockAsync(Direct, perCall.Direct));
            }
        }
        var ratios = perRound.Direct.Zip(perRound.Door, (a, b) => b / a).ToList();
        double At(double p) => AbStats.Percentile(perCall.Door, p) / AbStats.Percentile(perCall.Direct, p);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{backend}: driver direct median {AbStats.Median(perRound.Direct):F1} µs/call, RecordPaymentAsync median {AbStats.Median(perRound.Door):F1} µs/call; " +
            $"median per-round ratio {AbStats.Median(ratios):F3}; per-call ratio p10 {At(0.10):F3} p25 {At(0.25):F3} p50 {At(0.50):F3} " +
            $"({rounds} rounds of {block} calls a side)"));
    }
}
