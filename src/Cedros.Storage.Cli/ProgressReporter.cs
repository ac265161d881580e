using System.Diagnostics;
using System.Globalization;
using Spectre.Console;

namespace Cedros.Storage.Cli;

/// <summary>
/// Shows a long housekeeping step's progress: the running row count and the rate. On a terminal it updates a spinner
/// line; otherwise (pipes, cron) it writes a line on stderr at most once a second; with <c>--json</c> it stays silent.
/// </summary>
internal sealed class ProgressReporter(string label, bool json) : IProgress<long>
{
    private static readonly TimeSpan LineInterval = TimeSpan.FromSeconds(1);
    private readonly Stopwatch _watch = Stopwatch.StartNew();
    private TimeSpan _lastLine = TimeSpan.Zero;
    private StatusContext? _status;

    /// <summary>Rows so far.</summary>
    public long Rows { get; private set; }

    /// <summary>Time since the reporter was created.</summary>
    public TimeSpan Elapsed => _watch.Elapsed;

    /// <summary>Runs <paramref name="work"/>, with a spinner when the console is interactive.</summary>
    public async Task<T> RunAsync<T>(Func<IProgress<long>, Task<T>> work)
    {
        if (json || !AnsiConsole.Profile.Capabilities.Interactive) return await work(this).ConfigureAwait(false);
        return await AnsiConsole.Status().StartAsync($"{label}…", async status =>
        {
            _status = status;
            return await work(this).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    public void Report(long value)
    {
        Rows = value;
        if (json) return;
        var text = $"{label}: {Output.Count(value)} rows ({Rate(value, _watch.Elapsed)})";
        if (_status is { } status)
        {
            status.Status(Markup.Escape(text));
            return;
        }
        if (_watch.Elapsed - _lastLine < LineInterval) return;
        _lastLine = _watch.Elapsed;
        Console.Error.WriteLine(text);
    }

    /// <summary><c>in 2.1 s (4,762 rows/s)</c>.</summary>
    public string Summary(long rows) =>
        $"in {_watch.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s ({Rate(rows, _watch.Elapsed)})";

    private static string Rate(long rows, TimeSpan elapsed) =>
        elapsed.TotalSeconds <= 0 ? "- rows/s" : $"{Output.Count((long)(rows / elapsed.TotalSeconds))} rows/s";
}
