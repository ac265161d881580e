using Cedros.Storage.Configuration;
using Cedros.Storage.Postgres;
using Microsoft.Extensions.Configuration;

namespace Cedros.Storage.Tests.Unit;

/// <summary><c>storage.postgres.prepared_statements</c>: on by default (Npgsql automatic preparation), off for
/// PgBouncer before 1.21, and a <c>Max Auto Prepare</c> in the connection string wins.</summary>
public sealed class PostgresPreparedStatementsTests
{
    [Fact]
    public void Prepared_statements_are_on_by_default()
    {
        var built = PostgresStorage.BuildConnectionString(Options("Host=a;Username=u", null));
        Assert.True(built.MaxAutoPrepare > 0);
        Assert.Equal(2, built.AutoPrepareMinUsages);
    }

    [Fact]
    public void Turned_off_nothing_is_prepared()
    {
        var built = PostgresStorage.BuildConnectionString(Options("Host=a;Username=u", false));
        Assert.Equal(0, built.MaxAutoPrepare);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_connection_strings_own_max_auto_prepare_wins(bool prepared)
    {
        var built = PostgresStorage.BuildConnectionString(Options("Host=a;Username=u;Max Auto Prepare=7;Auto Prepare Min Usages=5", prepared));
        Assert.Equal(7, built.MaxAutoPrepare);
        Assert.Equal(5, built.AutoPrepareMinUsages);
    }

    [Fact]
    public void The_key_binds_from_configuration()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["storage:backend"] = "postgres",
            ["storage:postgres:connection_string"] = "Host=a;Username=u",
            ["storage:postgres:prepared_statements"] = "false",
        }).Build();
        var options = StorageOptionsBinder.Bind(config, _ => null);
        Assert.False(options.Postgres.PreparedStatements);
        Assert.True(new StorageOptions().Postgres.PreparedStatements);
    }

    private static StorageOptions Options(string cs, bool? prepared)
    {
        var options = new StorageOptions { Backend = StorageBackend.Postgres };
        options.Postgres.ConnectionString = cs;
        if (prepared is { } p) options.Postgres.PreparedStatements = p;
        return options;
    }
}
