using BenchmarkDotNet.Running;
using Cedros.Storage.Benchmarks;

// Usage: dotnet run -c Release -- [BenchmarkDotNet arguments], e.g. --filter '*RecordPayment*'.
// Without --filter every benchmark runs (BenchmarkSwitcher would otherwise ask interactively).
var arguments = args.Any(a => a.StartsWith("--filter", StringComparison.Ordinal) || a == "-f" || a.StartsWith("--list", StringComparison.Ordinal))
    ? args
    : [.. args, "--filter", "*"];
BenchmarkSwitcher.FromAssembly(typeof(BenchConfig).Assembly).Run(arguments, new BenchConfig());
