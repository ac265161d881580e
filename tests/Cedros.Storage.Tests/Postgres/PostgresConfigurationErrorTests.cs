using Cedros.Storage.Postgres;
using Cedros.Storage.Tests.Backends;
using Npgsql;

namespace Cedros.Storage.Tests.Postgres;

/// <summary>
/// Errors that mean "the deployment does not match the configuration" are <see cref="StorageConfigurationException"/>
/// (never Internal, which operators page on as a bug), and the server's transient classes are Unavailable.
/// </summary>
public sealed class PostgresConfigurationErrorTests(PostgresFixture fixture) : IClassFixture<PostgresFixture>
{
    private const string ConnectionKey = "storage.postgres.connection_string";

    private static void AssertConfiguration(StorageException ex, string sqlState)
    {
        var config = Assert.IsType<StorageConfigurationException>(ex);
        Assert.Equal(StorageErrorKind.Validation, config.Kind);
        Assert.False(config.IsTransient);
        Assert.Equal(ConnectionKey, config.Key);
        Assert.Contains(sqlState, config.Message, StringComparison.Ordinal);
        Assert.Equal(sqlState, Assert.IsType<PostgresException>(config.InnerException).SqlState);
    }

    [Fact]
    public async Task A_missing_database_is_a_configuration_error()
    {
        var missing = "cedros_missing_" + Guid.NewGuid().ToString("N");
        var cs = new NpgsqlConnectionStringBuilder(PostgresFixture.BaseConnectionString) { Database = missing, Pooling = false }.ConnectionString;
        var ex = await Assert.ThrowsAnyAsync<StorageException>(() => PostgresStorage.OpenAsync(fixture.Options(cs)));
        AssertConfiguration(ex, PostgresErrorCodes.InvalidCatalogName);
        Assert.Contains(missing, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_user_is_a_configuration_error()
    {
        var cs = new NpgsqlConnectionStringBuilder(PostgresFixture.BaseConnectionString)
        {
            Username = "cedros_nobody_" + Guid.NewGuid().ToString("N")[..8], Password = "s3cret-pw", Pooling = false,
        }.ConnectionString;
        var ex = await Assert.ThrowsAnyAsync<StorageException>(() => PostgresStorage.OpenAsync(fixture.Options(cs)));
        AssertConfiguration(ex, PostgresErrorCodes.InvalidAuthorizationSpecification);
        Assert.DoesNotContain("s3cret", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_role_without_permission_is_a_configuration_error()
    {
        var schemaCs = await fixture.CreateSchemaAsync();
        var role = "cedros_noperm_" + Guid.NewGuid().ToString("N")[..8];
        await using var admin = NpgsqlDataSource.Create(PostgresFixture.BaseConnectionString);
        await using (var create = admin.CreateCommand($"CREATE ROLE {role} LOGIN PASSWORD 'pw'"))
            await create.ExecuteNonQueryAsync();
        try
        {
            var cs = new NpgsqlConnectionStringBuilder(schemaCs) { Username = role, Password = "pw", Pooling = false }.ConnectionString;
            var ex = await Assert.ThrowsAnyAsync<StorageException>(() => PostgresStorage.OpenAsync(fixture.Options(cs)));
            AssertConfiguration(ex, PostgresErrorCodes.InsufficientPrivilege);
        }
        finally
        {
            await using var drop = admin.CreateCommand($"DROP ROLE IF EXISTS {role}");
            await drop.ExecuteNonQueryAsync();
        }
    }

    /// <summary>The test server trusts local connections (no password check) and its disk is not full, so these
    /// states are raised by the real server from a DO block and translated: the same exception type and SQLSTATE the
    /// driver produces for a real wrong password or full disk.</summary>
    [Theory]
    [InlineData(PostgresErrorCodes.InvalidPassword, StorageErrorKind.Validation)]
    [InlineData(PostgresErrorCodes.DiskFull, StorageErrorKind.Unavailable)]
    [InlineData(PostgresErrorCodes.OutOfMemory, StorageErrorKind.Unavailable)]
    [InlineData(PostgresErrorCodes.InsufficientResources, StorageErrorKind.Unavailable)]
    [InlineData(PostgresErrorCodes.IoError, StorageErrorKind.Unavailable)]
    [InlineData(PostgresErrorCodes.ObjectInUse, StorageErrorKind.Unavailable)]
    [InlineData(PostgresErrorCodes.IdleSessionTimeout, StorageErrorKind.Unavailable)]
    [InlineData(PostgresErrorCodes.DataCorrupted, StorageErrorKind.Internal)]
    public async Task Server_errors_are_classified_by_SQLSTATE(string sqlState, StorageErrorKind expected)
    {
        await using var admin = NpgsqlDataSource.Create(PostgresFixture.BaseConnectionString);
        await using var cmd = admin.CreateCommand($"DO $$ BEGIN RAISE EXCEPTION 'raised for a test' USING ERRCODE = '{sqlState}'; END $$");
        var raw = await Assert.ThrowsAsync<PostgresException>(() => cmd.ExecuteNonQueryAsync());
        Assert.Equal(sqlState, raw.SqlState);

        var translated = PostgresErrors.Translate(raw);
        Assert.Equal(expected, translated.Kind);
        Assert.Equal(expected == StorageErrorKind.Unavailable, translated.IsTransient);
        if (expected == StorageErrorKind.Validation) Assert.IsType<StorageConfigurationException>(translated);
    }
}
