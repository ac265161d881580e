using System.Globalization;

namespace Cedros.Storage.Benchmarks.Ops;

/// <summary>The <c>ops</c> runner's command line. <c>--quick</c> (CI: proves the harness works, no thresholds) runs
/// one short round at 1 and 4 callers.</summary>
internal sealed record OpsSettings(int Rounds, TimeSpan Block, int[] Callers, OpsBackendKind[] Backends, HashSet<string> Cases, string Artifacts)
{
    public static OpsSettings Parse(string[] args)
    {
        string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        var quick = args.Contains("--quick");
        var rounds = int.Parse(Value("--rounds") ?? (quick ? "1" : "6"), CultureInfo.InvariantCulture);
        var block = TimeSpan.FromMilliseconds(int.Parse(Value("--block-ms") ?? (quick ? "100" : "1500"), CultureInfo.InvariantCulture));
        var callers = (Value("--callers") ?? (quick ? "1,4" : "1,4,16")).Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray();
        var backends = (Value("--backends") ?? "Postgres,SqliteNormal,SqliteFull,Memory").Split(',').Select(Enum.Parse<OpsBackendKind>).ToArray();
        var cases = (Value("--cases") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        var artifacts = Value("--artifacts") ?? Path.Combine(Environment.CurrentDirectory, "BenchmarkDotNet.Artifacts", "results");
        return new OpsSettings(rounds, block, callers, backends, cases, artifacts);
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
