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
