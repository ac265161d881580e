using Cedros.Storage.Configuration;
using Cedros.Storage.Postgres;
using Cedros.Storage.Sqlite;
using Cedros.Storage.Tests.Backends;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Cedros.Storage.Tests.Migrations;

/// <summary>
/// <c>storage.migrations</c> = apply | verify | none, written once and run on a real SQLite file and a real PostgreSQL
/// schema: verify creates nothing and names the version gap; a database newer than the library is refused by both
/// backends under apply and verify.
/// </summary>
public abstract class MigrationPolicyScenarios
{
    /// <summary>A fresh, empty database (SQLite: an existing empty file) and options pointing at it.</summary>
    protected abstract Task<StorageOptions> EmptyDatabaseAsync();

    protected abstract Task<ICedrosStorage> OpenAsync(StorageOptions options);

    /// <summary>Tables in the database.</summary>
    protected abstract Task<int> CountTablesAsync(StorageOptions options);

    protected abstract Task ExecAsync(StorageOptions options, string sql);

    protected abstract long KnownVersion { get; }

    [Fact]
    public void Apply_is_the_default()
    {
        Assert.Equal(MigrationPolicy.Apply, new StorageOptions().Migrations);
    }

    [Fact]
    public async Task Verify_on_an_unmigrated_database_fails_naming_the_gap_and_creates_nothing()
    {
        var options = await EmptyDatabaseAsync();
        options.Migrations = MigrationPolicy.Verify;
        var ex = await Assert.ThrowsAsync<StorageSchemaVersionException>(() => OpenAsync(options));
        Assert.Equal(0, ex.AppliedVersion);
        Assert.Equal(KnownVersion, ex.KnownVersion);
        Assert.False(ex.IsAhead);
        Assert.Equal(KnownVersion, ex.Pending.Count);
        Assert.StartsWith("0001_", ex.Pending[0], StringComparison.Ordinal);
        Assert.Contains($"version 0, behind this library's version {KnownVersion}", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, await CountTablesAsync(options));
    }

    [Fact]
    public async Task Verify_opens_a_migrated_database_and_reports_a_partial_one()
    {
        var options = await EmptyDatabaseAsync();
        await using (await OpenAsync(options))
        {
        }
        var tables = await CountTablesAsync(options);
        options.Migrations = MigrationPolicy.Verify;
        await using (var verified = await OpenAsync(options))
            Assert.Null(await verified.Default.GetWebhookAsync("none"));

        options.Migrations = MigrationPolicy.Apply;
        await ExecAsync(options, $"DELETE FROM schema_migrations WHERE version = {KnownVersion}");
        options.Migrations = MigrationPolicy.Verify;
        var ex = await Assert.ThrowsAsync<StorageSchemaVersionException>(() => OpenAsync(options));
        Assert.Equal(KnownVersion - 1, ex.AppliedVersion);
        Assert.Equal([$"{KnownVersion:D4}"], ex.Pending.Select(p => p[..4]));
        Assert.Equal(tables, await CountTablesAsync(options));
    }

    [Fact]
    public async Task A_database_newer_than_the_library_is_refused_under_apply_and_verify()
    {
        var options = await EmptyDatabaseAsync();
        await using (await OpenAsync(options))
        {
        }
        var future = KnownVersion + 7;
        await ExecAsync(options, FutureRowSql(future));
        foreach (var policy in new[] { MigrationPolicy.Apply, MigrationPolicy.Verify })
        {
            options.Migrations = policy;
            var ex = await Assert.ThrowsAsync<StorageSchemaVersionException>(() => OpenAsync(options));
            Assert.True(ex.IsAhead, policy.ToString());
            Assert.Equal(future, ex.AppliedVersion);
            Assert.Contains("newer than this library", ex.Message, StringComparison.Ordinal);
        }
        options.Migrations = MigrationPolicy.None;
        await using (await OpenAsync(options))
        {
        }
    }

    [Fact]
    public async Task None_neither_migrates_nor_checks()
    {
        var options = await EmptyDatabaseAsync();
        options.Migrations = MigrationPolicy.None;
        await using (await OpenAsync(options))
        {
        }
        Assert.Equal(0, await CountTablesAsync(options));
    }

    protected abstract string FutureRowSql(long version);
}

public sealed class SqliteMigrationPolicyTests : MigrationPolicyScenarios, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("cedros-policy-").FullName;

    protected override long KnownVersion => SqliteMigrator.KnownVersion;

    protected override Task<StorageOptions> EmptyDatabaseAsync()
    {
        var path = Path.Combine(_dir, $"{Guid.NewGuid():N}.db");
        File.WriteAllBytes(path, []);
        return Task.FromResult(new StorageOptions { Backend = StorageBackend.Sqlite, Sqlite = { Path = path } });
    }

    protected override async Task<ICedrosStorage> OpenAsync(StorageOptions options) => await SqliteStorage.OpenAsync(options);

    protected override Task<int> CountTablesAsync(StorageOptions options)
    {
        using var c = new SqliteConnection($"Data Source={options.Sqlite.Path};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table'";
        return Task.FromResult(Convert.ToInt32(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
    }

    protected override Task ExecAsync(StorageOptions options, string sql)
    {
        using var c = new SqliteConnection($"Data Source={options.Sqlite.Path};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
        return Task.CompletedTask;
    }

    protected override string FutureRowSql(long version) =>
        $"INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ({version}, 'future', 'x', 0)";

    [Fact]
    public async Task Verify_and_none_never_create_a_missing_file()
    {
        foreach (var policy in new[] { MigrationPolicy.Verify, MigrationPolicy.None })
        {
            var path = Path.Combine(_dir, $"typo-{policy}.db");
            var options = new StorageOptions { Backend = StorageBackend.Sqlite, Sqlite = { Path = path }, Migrations = policy };
            var ex = await Assert.ThrowsAsync<StorageConfigurationException>(() => OpenAsync(options));
            Assert.Equal("storage.sqlite.path", ex.Key);
            Assert.Contains("does not exist", ex.Message, StringComparison.Ordinal);
            Assert.False(File.Exists(path));
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }
}

public sealed class PostgresMigrationPolicyTests(PostgresFixture fixture) : MigrationPolicyScenarios, IClassFixture<PostgresFixture>
{
    protected override long KnownVersion => PostgresMigrator.KnownVersion;

    protected override async Task<StorageOptions> EmptyDatabaseAsync()
    {
        var options = fixture.Options(await fixture.CreateSchemaAsync());
        return options;
    }

    protected override async Task<ICedrosStorage> OpenAsync(StorageOptions options) => await PostgresStorage.OpenAsync(options);

    protected override async Task<int> CountTablesAsync(StorageOptions options)
    {
        await using var c = new NpgsqlConnection(options.Postgres.ConnectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()", c);
        return Convert.ToInt32(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    protected override async Task ExecAsync(StorageOptions options, string sql)
    {
        await using var c = new NpgsqlConnection(options.Postgres.ConnectionString);
        await c.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, c);
        await cmd.ExecuteNonQueryAsync();
    }

    protected override string FutureRowSql(long version) =>
        $"INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ({version}, 'future', 'x', now())";
}
