using BenchmarkDotNet.Running;
using Cedros.Storage.Benchmarks;

// Usage: dotnet run -c Release -- [BenchmarkDotNet arguments], e.g. --filter '*RecordPayment*'.
// Or: dotnet run -c Release -- guard-ab [rounds] [calls per block] (the interleaved archive guard A/B, see ArchiveGuardAb),
// or: dotnet run -c Release -- ops [--quick] [...] (issue 15's storage vs raw throughput at 1/4/16 callers, see Ops/OpsRunner),
// or: dotnet run -c Release -- drain [--workers 1,4,8] [--backlog N] (the webhook drain, see Ops/DrainRunner),
// or: dotnet run -c Release -- search [--quick] [--sizes 10000,100000,1000000] (order search at 10k/100k/1M, see Search/SearchRunner),
// or: dotnet run -c Release -- batch [--quick] [--rows N] (RecordPaymentsAsync vs binary COPY / one prepared insert, see Ops/BatchRunner),
// or: dotnet run -c Release -- archive-load [--quick] [--rows N] (recording latency while archiving, see Ops/ArchiveLoadRunner),
// or: dotnet run -c Release -- frontdoor-ab [rounds] [calls per block] [backends] (the front door's cost, see FrontDoorAb).
if (args.Length > 0 && args[0] == "guard-ab")
{
    await ArchiveGuardAb.RunAsync(args);
    return;
}
if (args.Length > 0 && args[0] == "drain")
{
    await Cedros.Storage.Benchmarks.Ops.DrainRunner.RunAsync(args);
    return;
}
if (args.Length > 0 && args[0] == "batch")
{
    await Cedros.Storage.Benchmarks.Ops.BatchRunner.RunAsync(args);
    return;
}
if (args.Length > 0 && args[0] == "archive-load")
{
    await Cedros.Storage.Benchmarks.Ops.ArchiveLoadRunner.RunAsync(args);
    return;
}
if (args.Length > 0 && args[0] == "ops")
{
    await Cedros.Storage.Benchmarks.Ops.OpsRunner.RunAsync(args);
    return;
}
if (args.Length > 0 && args[0] == "search")
{
    await Cedros.Storage.Benchmarks.Search.SearchRunner.RunAsync(args);
    return;
}
if (args.Length > 0 && args[0] == "frontdoor-ab")
{
    await FrontDoorAb.RunAsync(args);
    return;
}

// Without --filter every benchmark runs (BenchmarkSwitcher would otherwise ask interactively).
var arguments = args.Any(a => a.StartsWith("--filter", StringComparison.Ordinal) || a == "-f" || a.StartsWith("--list", StringComparison.Ordinal))
    ? args
    : [.. args, "--filter", "*"];
BenchmarkSwitcher.FromAssembly(typeof(BenchConfig).Assembly).Run(arguments, new BenchConfig());
