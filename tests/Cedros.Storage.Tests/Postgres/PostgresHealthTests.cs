using Cedros.Storage.Configuration;
using Cedros.Storage.Postgres;
using Cedros.Storage.Tests.Backends;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;

namespace Cedros.Storage.Tests.Postgres;

/// <summary>The health check against an unreachable server and a schema ahead of the library.</summary>
public sealed class PostgresHealthTests(PostgresFixture fixture) : IClassFixture<PostgresFixture>
{
    private static async Task<HealthReportEntry> CheckAsync(IServiceCollection services)
    {
        services.AddHealthChecks().AddCedrosStorage();
        await using var provider = services.BuildServiceProvider();
        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        return Assert.Single(report.Entries).Value;
    }

    [Fact]
    public async Task An_unreachable_server_is_unhealthy()
    {
        // Port 1 on the loopback: nothing listens there, so the connection is refused at once.
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddCedrosStorage(_ => { }, _ => null)
            .UsePostgres("Host=127.0.0.1;Port=1;Username=postgres;Password=postgres;Database=postgres;Timeout=5");

        var entry = await CheckAsync(services);

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Contains("cannot be reached", entry.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("Password", entry.Description, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_server_that_answers_at_the_library_version_is_healthy_through_di()
    {
        var connectionString = await fixture.CreateSchemaAsync();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddCedrosStorage(_ => { }, _ => null).UsePostgres(connectionString);

        var entry = await CheckAsync(services);

        Assert.Equal(HealthStatus.Healthy, entry.Status);
    }

    [Fact]
    public async Task A_schema_ahead_of_the_library_is_unhealthy()
    {
        var connectionString = await fixture.CreateSchemaAsync();
        await using var storage = await PostgresStorage.OpenAsync(new StorageOptions
        {
            Backend = StorageBackend.Postgres,
            Postgres = { ConnectionString = connectionString },
        });
        await using (var connection = new NpgsqlConnection(connectionString))
        {
            await connection.OpenAsync();
            await using var cmd = new NpgsqlCommand(
                "INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (9999, 'future', 'x', now())", connection);
            await cmd.ExecuteNonQueryAsync();
        }
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<ICedrosStorage>(storage);

        var entry = await CheckAsync(services);

        Assert.Equal(HealthStatus.Unhealthy, entry.Status);
        Assert.Equal(9999L, entry.Data["schema_version"]);
    }
}
