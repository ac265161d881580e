using System.Diagnostics;
using System.Text.Json;

namespace Cedros.Storage.Cli.Tests;

/// <summary>What one run of the tool produced.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Stdout parsed as JSON.</summary>
    public JsonElement Json()
    {
        try
        {
            using var doc = JsonDocument.Parse(Stdout);
            return doc.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"stdout is not JSON ({ex.Message}):\n{Stdout}\nstderr:\n{Stderr}", ex);
        }
    }

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}

/// <summary>Runs the built <c>cedros-storage.dll</c> as a real process (<c>dotnet cedros-storage.dll …</c>).</summary>
public static class CliProcess
{
    private static readonly Lazy<string> Dll = new(FindDll);

    /// <summary>Environment variables of the test process that would leak configuration into the tool.</summary>
    private static bool IsStorageVariable(string name) =>
        name.Equals("POSTGRES_URL", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("CEDROS_STORAGE_", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("storage__", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("storage:", StringComparison.OrdinalIgnoreCase);

    /// <summary>Runs the tool in <paramref name="workingDirectory"/> with a clean storage environment plus
    /// <paramref name="environment"/>.</summary>
    public static async Task<CliResult> RunAsync(string workingDirectory, IEnumerable<string> args,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Dll.Value);
        foreach (var arg in args) psi.ArgumentList.Add(arg);
        foreach (var name in psi.Environment.Keys.Where(IsStorageVariable).ToList()) psi.Environment.Remove(name);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) psi.Environment[name] = value;

        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start dotnet");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"cedros-storage {string.Join(' ', args)} did not finish within 2 minutes");
        }
        return new CliResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts the tool and leaves it running (see <see cref="RunningCli"/>).</summary>
    public static RunningCli Start(string workingDirectory, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Dll.Value);
        foreach (var arg in args) psi.ArgumentList.Add(arg);
        foreach (var name in psi.Environment.Keys.Where(IsStorageVariable).ToList()) psi.Environment.Remove(name);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) psi.Environment[name] = value;
        return new RunningCli(Process.Start(psi) ?? throw new InvalidOperationException("could not start dotnet"));
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>src/Cedros.Storage.Cli/bin/&lt;Configuration&gt;/&lt;tfm&gt;/cedros-storage.dll, matching this test
    /// assembly's tests/Cedros.Storage.Cli.Tests/bin/&lt;Configuration&gt;/&lt;tfm&gt;/.</summary>
    private static string FindDll()
    {
        var baseDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var tfm = baseDir.Name;
        var configuration = baseDir.Parent!.Name;
        var root = baseDir;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Cedros.Storage.slnx"))) root = root.Parent;
        if (root is null) throw new InvalidOperationException($"no Cedros.Storage.slnx above {AppContext.BaseDirectory}");
        var dll = Path.Combine(root.FullName, "src", "Cedros.Storage.Cli", "bin", configuration, tfm, "cedros-storage.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"the tool was not built: {dll}", dll);
    }
}

/// <summary>A tool process left running (e.g. <c>worker</c>), to be signalled.</summary>
public sealed class RunningCli : IDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _stdout = new();
    private readonly System.Text.StringBuilder _stderr = new();

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    public const int SIGINT = 2;
    public const int SIGTERM = 15;

    internal RunningCli(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_stdout) _stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }

    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    /// <summary>Waits until stdout contains <paramref name="text"/> (or fails after 60 s, or when the process exits).</summary>
    public async Task WaitForStdoutAsync(string text)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!Stdout.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"never printed '{text}'.\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
            await Task.Delay(50);
        }
    }

    /// <summary>Waits until stderr contains <paramref name="text"/> (or fails after 60 s, or when the process exits).</summary>
    public async Task WaitForStderrAsync(string text)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!Stderr.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited || DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"never printed '{text}' on stderr.\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
            await Task.Delay(20);
        }
    }

    /// <summary>Sends a POSIX signal to the process.</summary>
    public void Signal(int signal) => Assert.Equal(0, kill(_process.Id, signal));

    /// <summary>Waits for the exit (at most 60 s).</summary>
    public async Task<CliResult> WaitAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(timeout.Token);
        _process.WaitForExit();
        return new CliResult(_process.ExitCode, Stdout, Stderr);
    }

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
