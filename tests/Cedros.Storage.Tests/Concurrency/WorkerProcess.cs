using System.Collections.Concurrent;
using System.Diagnostics;
using Cedros.Storage.Tests.Backends;

namespace Cedros.Storage.Tests.Concurrency;

/// <summary>
/// One <c>Cedros.Storage.ProcessWorker</c> child process: started with <c>dotnet</c>, it opens the target, prints
/// "ready", waits for "go", then prints one line per outcome. Collects its output lines.
/// </summary>
public sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _outputClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WorkerProcess(Process process) => _process = process;

    /// <summary>Every line printed so far (besides "ready").</summary>
    public IReadOnlyList<string> Lines => _lines.ToArray();

    /// <summary>What the worker printed on stderr so far.</summary>
    public IReadOnlyList<string> Errors => _errors.ToArray();

    /// <summary>The values of the "won …" lines.</summary>
    public IReadOnlyList<string> Wins => Lines.Where(l => l.StartsWith("won ", StringComparison.Ordinal)).Select(l => l[4..]).ToArray();

    /// <summary>Path of the worker assembly: built next to the tests by the solution build.</summary>
    public static string WorkerPath
    {
        get
        {
            // bin/<Configuration>/<tfm>/ of the test project → the worker project's same output folder.
            var tfmDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var configuration = tfmDir.Parent!.Name;
            var tests = tfmDir.Parent!.Parent!.Parent!.Parent!.FullName;
            var path = Path.Combine(tests, "Cedros.Storage.ProcessWorker", "bin", configuration, tfmDir.Name, "Cedros.Storage.ProcessWorker.dll");
            if (!File.Exists(path))
                throw new FileNotFoundException($"the process worker was not built (expected {path}); run dotnet build on the solution.");
            return path;
        }
    }

    /// <summary>Starts a worker against <paramref name="target"/>.</summary>
    public static WorkerProcess Start(ProcessTarget target, string command, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in (string[])[WorkerPath, target.Backend, target.Connection, command, .. args]) info.ArgumentList.Add(a);
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var worker = new WorkerProcess(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                worker._outputClosed.TrySetResult();
                worker._ready.TrySetException(new InvalidOperationException($"worker exited before ready: {string.Join(" | ", worker._errors)}"));
                return;
            }
            if (e.Data == "ready") worker._ready.TrySetResult();
            else worker._lines.Enqueue(e.Data);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) worker._errors.Enqueue(e.Data);
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    /// <summary>Waits until the worker has opened the store.</summary>
    public Task WaitReadyAsync() => _ready.Task.WaitAsync(TimeSpan.FromSeconds(60));

    /// <summary>Releases the start barrier.</summary>
    public void Go()
    {
        _process.StandardInput.WriteLine("go");
        _process.StandardInput.Flush();
    }

    /// <summary>Asks a long-running command (<c>dispatch-webhooks</c>) to stop gracefully.</summary>
    public void Stop()
    {
        _process.StandardInput.WriteLine("stop");
        _process.StandardInput.Flush();
    }

    /// <summary>Waits for a clean exit and returns the output lines.</summary>
    public async Task<IReadOnlyList<string>> WaitExitAsync(TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(120));
        await _process.WaitForExitAsync(cts.Token);
        await _outputClosed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        if (_process.ExitCode != 0)
            throw new InvalidOperationException($"worker exited with {_process.ExitCode}: {string.Join(" | ", _errors)}");
        Assert.Equal("done", Lines[^1]);
        return Lines;
    }

    /// <summary>SIGKILL: the process (and anything it started) dies at once, mid-write or not.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        await _outputClosed.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>Starts several workers, waits until all are ready, then releases them together.</summary>
    public static async Task<WorkerProcess[]> StartTogetherAsync(int count, Func<int, WorkerProcess> start)
    {
        var workers = Enumerable.Range(0, count).Select(start).ToArray();
        await Task.WhenAll(workers.Select(w => w.WaitReadyAsync()));
        foreach (var w in workers) w.Go();
        return workers;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        _process.Dispose();
    }
}
