using Cedros.Storage.Configuration;
using Cedros.Storage.Postgres;
using Npgsql;

namespace Cedros.Storage.Cli.Tests;

/// <summary>
/// The tool against the real PostgreSQL server of <c>CEDROS_TEST_POSTGRES</c> (scripts/test-postgres-start.sh), one
/// fresh database per test. Fails, never skips, when the variable is missing.
/// </summary>
public sealed class PostgresCliTests : CliScenarios
{
    private readonly string _database = $"cedros_cli_{Guid.NewGuid():N}";
    private string? _connectionString;

    private static string Server => Environment.GetEnvironmentVariable("CEDROS_TEST_POSTGRES") is { Length: > 0 } cs
        ? cs
        : throw new InvalidOperationException(
            "CEDROS_TEST_POSTGRES is not set: start a server with eval \"export $(scripts/test-postgres-start.sh | tail -n1)\".");

    private string ConnectionString => _connectionString ?? throw new InvalidOperationException("not initialised");

    protected override IReadOnlyList<string> BackendArgs => ["--backend", "postgres", "--connection-string", ConnectionString];

    protected override async Task<ICedrosStorage> OpenLibraryAsync(TimeProvider time) =>
        await PostgresStorage.OpenAsync(new StorageOptions { Backend = StorageBackend.Postgres, Postgres = { ConnectionString = ConnectionString } }, time);

    public override async Task InitializeAsync()
    {
        var server = Server;
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{_database}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
        _connectionString = new NpgsqlConnectionStringBuilder(server) { Database = _database, Pooling = false }.ConnectionString;
    }

    public override async Task DisposeAsync()
    {
        if (_connectionString is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(Server);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_database}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
        await base.DisposeAsync();
    }

    protected override Task CreateEmptyDatabaseAsync() => Task.CompletedTask;

    protected override async Task<int> CountTablesAsync()
    {
        await using var c = new NpgsqlConnection(ConnectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')", c);
        return Convert.ToInt32(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task MigrateAsync() => Assert.Equal(0, (await Cli("migrate")).ExitCode);

    [Fact]
    public async Task Status_masks_a_password_given_with_the_PSW_keyword()
    {
        var b = new NpgsqlConnectionStringBuilder(ConnectionString);
        var psw = $"Host={b.Host};Port={b.Port};Username={b.Username};PSW={b.Password};Database={_database};Pooling=false";
        var expected = new NpgsqlConnectionStringBuilder(psw) { Password = "****" }.ConnectionString;
        await MigrateAsync();

        var json = await CliProcess.RunAsync(WorkDir, ["status", "--json", "--backend", "postgres", "--connection-string", psw]);
        Assert.True(json.ExitCode == 0, json.ToString());
        Assert.Equal(expected, json.Json().GetProperty("database").GetString());
        Assert.DoesNotContain("PSW", json.Stdout, StringComparison.OrdinalIgnoreCase);

        var table = await CliProcess.RunAsync(WorkDir, ["status", "--backend", "postgres", "--connection-string", psw]);
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.DoesNotContain("PSW", table.Stdout, StringComparison.OrdinalIgnoreCase);

        var env = await CliProcess.RunAsync(WorkDir, ["status", "--json", "--backend", "postgres"],
            new Dictionary<string, string> { ["POSTGRES_URL"] = psw });
        Assert.True(env.ExitCode == 0, env.ToString());
        Assert.Equal(expected, env.Json().GetProperty("database").GetString());
    }

    [Fact]
    public async Task Status_from_a_url_masks_the_password_and_keeps_the_backend_name()
    {
        var b = new NpgsqlConnectionStringBuilder(ConnectionString);
        var url = $"postgres://{Uri.EscapeDataString(b.Username!)}:{Uri.EscapeDataString(b.Password!)}@{b.Host}:{b.Port}/{_database}";
        await MigrateAsync();
        var r = await CliProcess.RunAsync(WorkDir, ["status", "--json", "--backend", "postgres"],
            new Dictionary<string, string> { ["POSTGRES_URL"] = url });
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("postgres", r.Json().GetProperty("backend").GetString());
        var database = new NpgsqlConnectionStringBuilder(r.Json().GetProperty("database").GetString());
        Assert.Equal("****", database.Password);
        Assert.Equal(_database, database.Database);
    }

    [Fact]
    public async Task The_connection_string_can_come_from_POSTGRES_URL_as_a_url()
    {
        var b = new NpgsqlConnectionStringBuilder(ConnectionString);
        var url = $"postgres://{Uri.EscapeDataString(b.Username!)}:{Uri.EscapeDataString(b.Password!)}@{b.Host}:{b.Port}/{_database}";
        await MigrateAsync();
        var r = await CliProcess.RunAsync(WorkDir, ["status", "--json", "--backend", "postgres"],
            new Dictionary<string, string> { ["POSTGRES_URL"] = url });
        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("postgres", r.Json().GetProperty("backend").GetString());
    }
}
