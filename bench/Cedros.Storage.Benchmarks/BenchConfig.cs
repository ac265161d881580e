using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace Cedros.Storage.Benchmarks;

/// <summary>
/// A short in-process job (no child project is built): one launch, 2 warm-up and 5 measured iterations of about 250 ms.
/// Enough for ratios against the raw driver on a noisy machine, not for publication-grade absolute numbers.
/// Set CEDROS_BENCH_ITERATIONS to measure more iterations.
/// </summary>
public sealed class BenchConfig : ManualConfig
{
    public BenchConfig()
    {
        var iterations = int.TryParse(Environment.GetEnvironmentVariable("CEDROS_BENCH_ITERATIONS"), out var n) && n > 0 ? n : 5;
        AddJob(Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(2)
            .WithIterationCount(iterations)
            .WithIterationTime(TimeInterval.FromMilliseconds(250))
            .WithId("Short"));
        AddLogger(ConsoleLogger.Default);
        AddColumnProvider(DefaultColumnProviders.Instance);
        AddExporter(MarkdownExporter.GitHub);
        AddDiagnoser(MemoryDiagnoser.Default);
        WithSummaryStyle(SummaryStyle.Default.WithRatioStyle(RatioStyle.Trend));
        WithOptions(ConfigOptions.DisableLogFile);
        HideColumns(Column.Error, Column.AllocRatio, Column.Job);
    }
}
