namespace Cedros.Storage.Cli.Tests;

/// <summary><c>cedros-storage demo</c> (issue 17) run as a process: zero set-up, re-runnable, every guarantee shown.</summary>
public sealed class DemoCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cedros-cli-demo-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private static readonly string[] KeyLines =
    [
        "[1/8] Product and coupon",
        "second redemption refused",
        "another cart asking for 2 more: refused",
        "the same signature again: refused as a replay",
        "webhook evt-order-paid-",
        "enqueued in the same transaction (status pending)",
        "1 delivery, signature verified, status success after 1 attempt",
        "worker 2's claim refused; paid out once",
        "second use refused (already consumed)",
        "Demo complete.",
    ];

    private static void AssertShowsEveryGuarantee(CliResult r)
    {
        Assert.True(r.ExitCode == 0, r.ToString());
        foreach (var line in KeyLines) Assert.True(r.Stdout.Contains(line, StringComparison.Ordinal), $"missing '{line}'\n{r}");
        Assert.Equal(8, r.Stdout.Split('\n').Count(l => l.Contains("OK guarantee:", StringComparison.Ordinal)));
        Assert.Equal("", r.Stderr.Trim());
    }

    [Fact]
    public async Task Demo_runs_with_zero_set_up_in_cedros_demo_db_and_runs_again()
    {
        var first = await CliProcess.RunAsync(_dir, ["demo"]);
        AssertShowsEveryGuarantee(first);
        Assert.True(File.Exists(Path.Combine(_dir, "cedros-demo.db")), first.ToString());
        Assert.False(File.Exists(Path.Combine(_dir, "cedros.db")), first.ToString());

        var second = await CliProcess.RunAsync(_dir, ["demo"]);
        AssertShowsEveryGuarantee(second);

        // The other commands then show the data: both runs' webhooks, delivered.
        var list = await CliProcess.RunAsync(_dir, ["webhooks", "list", "--json", "--sqlite-path", "cedros-demo.db"]);
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Equal(2, list.Stdout.Split("evt-order-paid-").Length - 1);
    }

    [Fact]
    public async Task Demo_uses_the_given_sqlite_path_twice()
    {
        var path = Path.Combine(_dir, "custom.db");
        AssertShowsEveryGuarantee(await CliProcess.RunAsync(_dir, ["demo", "--sqlite-path", path]));
        AssertShowsEveryGuarantee(await CliProcess.RunAsync(_dir, ["demo", "--sqlite-path", path]));
        Assert.True(File.Exists(path));
        Assert.False(File.Exists(Path.Combine(_dir, "cedros-demo.db")));
    }
}
