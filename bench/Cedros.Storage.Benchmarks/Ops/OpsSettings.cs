using System.Globalization;

namespace Cedros.Storage.Benchmarks.Ops;

/// <summary>The <c>ops</c> runner's command line. <c>--quick</c> (CI: proves the harness works, no thresholds) runs
/// one short round at 1 and 4 callers. By default 18 rounds of 500 ms blocks a side (9 s a side per cell): on this
/// 2-core machine a round's ratio scatters as much with 500 ms blocks as with 1,500 ms ones (standard deviation
/// 0.08–0.09 at 4 and 16 callers on PostgreSQL, 27 Nov), so three times the rounds in the same time make the median
/// about 1.7 times steadier than 6 rounds of 1,500 ms. Shorter blocks scatter more (100 ms: 0.10–0.73, 28 Nov), and two
/// consecutive rounds scatter as independent ones would: the noise is each block's own, not a slow drift.</summary>
internal sealed record OpsSettings(int Rounds, TimeSpan Block, TimeSpan Warm, int[] Callers, OpsBackendKind[] Backends, HashSet<string> Cases, string Artifacts, bool Verbose, bool Census = false)
{
    public static OpsSettings Parse(string[] args)
    {
        var quick = args.Contains("--quick");
        var rounds = int.Parse(args.Option("--rounds") ?? (quick ? "1" : "18"), CultureInfo.InvariantCulture);
        var block = TimeSpan.FromMilliseconds(int.Parse(args.Option("--block-ms") ?? (quick ? "100" : "500"), CultureInfo.InvariantCulture));
        var warm = TimeSpan.FromMilliseconds(int.Parse(args.Option("--warm-ms") ?? (quick ? "100" : "5000"), CultureInfo.InvariantCulture));
        var callers = (args.Option("--callers") ?? (quick ? "1,4" : "1,4,16")).Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();
        var backends = (args.Option("--backends") ?? "Postgres,SqliteNormal,SqliteFull,Memory").Split(',').Select(Enum.Parse<OpsBackendKind>).ToArray();
        var cases = (args.Option("--cases") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        var artifacts = args.Option("--artifacts") ?? Path.Combine(Environment.CurrentDirectory, "BenchmarkDotNet.Artifacts", "results");
        return new OpsSettings(rounds, block, warm, callers, backends, cases, artifacts, args.Contains("--verbose"), args.Contains("--census"));
    }

    public static string LoadAverage()
    {
        try { return File.ReadAllText("/proc/loadavg").Split(' ')[0]; }
        catch (IOException) { return "?"; }
    }
}

/// <summary>The backends the <c>ops</c> runner compares.</summary>
public enum OpsBackendKind
{
    Postgres,
    SqliteNormal,
    SqliteFull,
    Memory,
}
