using System.Globalization;

namespace Cedros.Storage.Benchmarks.Ops;

/// <summary>
/// CPU time used so far by the PostgreSQL servers running on this machine (Linux): every live <c>postgres</c> process
/// plus what each postmaster has collected from backends that ended. Any other server here (a failover formation left
/// running) is counted too: stop it before measuring. The verbose <c>ops</c> output divides it by the calls of
/// a block, so a gap between the two sides can be told apart: client work, or server work. Null when no server runs here.
/// </summary>
internal static class ServerCpu
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    public static TimeSpan? Now()
    {
        if (!OperatingSystem.IsLinux()) return null;
        double ticks = 0;
        var found = false;
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out _)) continue;
            string stat;
            try { stat = File.ReadAllText(Path.Combine(dir, "stat")); }
            catch (IOException) { continue; }
            catch (UnauthorizedAccessException) { continue; }
            var close = stat.LastIndexOf(')');
            if (close < 0 || !stat.AsSpan(0, close).EndsWith("(postgres", StringComparison.Ordinal)) continue;
            // Fields after the command: state is field 3; utime 14, stime 15, cutime 16, cstime 17.
            var fields = stat[(close + 2)..].Split(' ');
            ticks += double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture)
                     + double.Parse(fields[13], CultureInfo.InvariantCulture) + double.Parse(fields[14], CultureInfo.InvariantCulture);
            found = true;
        }
        return found ? TimeSpan.FromSeconds(ticks / TicksPerSecond) : null;
    }
}
