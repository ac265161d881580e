using Cedros.Storage.Configuration;
using Cedros.Storage.Sqlite;

namespace Cedros.Storage.Cli.Tests;

/// <summary>The tool against a real SQLite file (one per test).</summary>
public sealed class SqliteCliTests : CliScenarios
{
    private string DbPath => Path.Combine(WorkDir, "cli.db");

    protected override IReadOnlyList<string> BackendArgs => ["--backend", "sqlite", "--sqlite-path", DbPath];

    protected override async Task<ICedrosStorage> OpenLibraryAsync(TimeProvider time) =>
        await SqliteStorage.OpenAsync(new StorageOptions { Backend = StorageBackend.Sqlite, Sqlite = { Path = DbPath } }, time);

    protected override Task CreateEmptyDatabaseAsync() => File.WriteAllBytesAsync(DbPath, []);

    protected override Task<int> CountTablesAsync()
    {
        using var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={DbPath};Pooling=False;Mode=ReadOnly");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table'";
        return Task.FromResult(Convert.ToInt32(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Read_only_commands_on_a_missing_file_fail_and_do_not_create_it()
    {
        foreach (var command in new[] { new[] { "status" }, ["payments", "check", "sig"], ["webhooks", "list", "--json"], ["cleanup"] })
        {
            var r = await Cli(command);
            Assert.True(r.ExitCode == 2, $"{string.Join(' ', command)}: {r}");
            Assert.Contains("does not exist", r.Stderr, StringComparison.Ordinal);
            Assert.Contains("storage.sqlite.path", r.Stderr, StringComparison.Ordinal);
            Assert.False(File.Exists(DbPath), r.ToString());
        }
    }

    [Fact]
    public async Task The_default_database_file_is_cedros_db_in_the_working_directory()
    {
        var r = await CliProcess.RunAsync(WorkDir, ["migrate"]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.True(File.Exists(Path.Combine(WorkDir, "cedros.db")), r.ToString());
    }

    [Fact]
    public async Task The_sqlite_path_can_come_from_an_appsettings_file()
    {
        var settings = Path.Combine(WorkDir, "appsettings.json");
        await File.WriteAllTextAsync(settings, """{ "storage": { "backend": "sqlite", "sqlite": { "path": "from-config.db" } } }""");
        var r = await CliProcess.RunAsync(WorkDir, ["migrate", "--config", settings]);
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.True(File.Exists(Path.Combine(WorkDir, "from-config.db")), r.ToString());
    }
}
