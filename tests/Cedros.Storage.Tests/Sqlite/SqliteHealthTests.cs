using Cedros.Storage.Tests.Backends;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;

namespace Cedros.Storage.Tests.Sqlite;

/// <summary>The health check against a SQLite file whose migration history another release has changed.</summary>
public sealed class SqliteHealthTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    private static async Task<HealthReportEntry> CheckAsync(ICedrosStorage storage)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(storage);
        services.AddHealthChecks().AddCedrosStorage();
        await using var provider = services.BuildServiceProvider();
        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        return Assert.Single(report.Entries).Value;
    }

    private static async Task ExecuteAsync(string path, string sql)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task A_schema_behind_the_library_is_unhealthy()
    {
        var path = fixture.NewPath();
        await using var storage = await Cedros.Storage.Sqlite.SqliteStorage.OpenAsync(fixture.NewOptions(path), new FakeTimeProvider());
        Assert.Equal(HealthStatus.Healthy, (await CheckAsync(storage)).Status);

        await ExecuteAsync(path, "DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)");

        var entry = await CheckAsync(storage);
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("behind", entry.Description, StringComparison.Ordinal);
        Assert.True((long)entry.Data["schema_version"] < (long)entry.Data["library_schema_version"]);
    }

    [Fact]
    public async Task A_schema_ahead_of_the_library_is_unhealthy()
    {
        var path = fixture.NewPath();
        await using var storage = await Cedros.Storage.Sqlite.SqliteStorage.OpenAsync(fixture.NewOptions(path), new FakeTimeProvider());

        await ExecuteAsync(path, "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (9999, 'future', 'x', 0)");

        var entry = await CheckAsync(storage);
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("newer than this library", entry.Description, StringComparison.Ordinal);
        Assert.Equal(9999L, entry.Data["schema_version"]);
    }

    [Fact]
    public async Task A_file_that_cannot_be_opened_is_unhealthy_through_di()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddCedrosStorage(_ => { }, _ => null).UseSqlite(Path.Combine(fixture.Root, "missing-dir", "sub", "x.db"));
        services.AddHealthChecks().AddCedrosStorage();
        await using var provider = services.BuildServiceProvider();

        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        var entry = Assert.Single(report.Entries).Value;
        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("cannot be reached", entry.Description, StringComparison.Ordinal);
    }
}
