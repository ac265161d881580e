using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Cedros.Storage.Cli.Tests;

/// <summary>
/// Issue 16: every command against a PostgreSQL server that cannot be reached (a closed port on loopback) fails with
/// the library's Unavailable error and exit 1, never a raw driver exception ("unexpected NpgsqlException"); the tool's
/// own reads (<c>migrate --dry-run</c>, <c>--script</c>) map driver errors as the backend does. The same for SQLite:
/// a file that is not a database is a configuration error (exit 2) on every path.
/// </summary>
public sealed class UnreachableDatabaseCliTests : IDisposable
{
    private const string Password = "s3cret-pw";
    private readonly string _workDir = Directory.CreateTempSubdirectory("cedros-cli-down-").FullName;

    public static TheoryData<string> Commands => new()
    {
        "migrate --dry-run", "migrate --script", "migrate", "status", "status --all-tenants", "tenants list",
        "payments check sig", "payments show sig", "webhooks list", "webhooks show wh", "webhooks retry wh",
        "webhooks delete wh", "orders list", "orders show ord", "refunds pending", "archive", "cleanup", "worker", "demo",
    };

    /// <summary>A loopback port nobody listens on (bound, read, released).</summary>
    private static int ClosedPort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public async Task A_closed_PostgreSQL_port_is_an_Unavailable_error_with_exit_1(string command)
    {
        var connection = $"Host=127.0.0.1;Port={ClosedPort()};Username=postgres;Password={Password};Database=postgres";
        string[] args = [.. command.Split(' '), "--backend", "postgres", "--connection-string", connection];

        var r = await CliProcess.RunAsync(_workDir, args);
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("could not be reached", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("(Unavailable)", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("unexpected", r.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Npgsql", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, r.Stdout + r.Stderr, StringComparison.Ordinal);

        var json = await CliProcess.RunAsync(_workDir, [.. args, "--json"]);
        Assert.True(json.ExitCode == 1, json.ToString());
        using var error = JsonDocument.Parse(json.Stderr);
        Assert.Equal("unavailable", error.RootElement.GetProperty("error").GetProperty("kind").GetString());
        Assert.Equal(1, error.RootElement.GetProperty("error").GetProperty("exit_code").GetInt32());
    }

    [Fact]
    public async Task A_postgres_url_is_read_as_the_backend_reads_it_for_the_dry_run()
    {
        var r = await CliProcess.RunAsync(_workDir,
            ["migrate", "--dry-run", "--backend", "postgres", "--connection-string", $"postgres://postgres:{Password}@127.0.0.1:{ClosedPort()}/postgres"]);
        Assert.True(r.ExitCode == 1, r.ToString());
        Assert.Contains("(Unavailable)", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, r.Stdout + r.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("migrate --dry-run")]
    [InlineData("migrate --script")]
    [InlineData("migrate")]
    [InlineData("status")]
    public async Task A_sqlite_file_that_is_not_a_database_is_a_configuration_error_on_every_path(string command)
    {
        var path = Path.Combine(_workDir, "not-a-db.db");
        await File.WriteAllTextAsync(path, new string('x', 4096));
        var r = await CliProcess.RunAsync(_workDir, [.. command.Split(' '), "--sqlite-path", path]);
        Assert.True(r.ExitCode == 2, r.ToString());
        Assert.Contains("is not a SQLite database", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("unexpected", r.Stderr, StringComparison.OrdinalIgnoreCase);
    }

    public void Dispose()
    {
        try { Directory.Delete(_workDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
