using System.Data.Common;
using System.Net.Sockets;
using Cedros.Storage.Configuration;
using Cedros.Storage.Postgres;
using Npgsql;

namespace Cedros.Storage.Tests.Unit;

/// <summary>Multi-host connection strings (a failover pair) and the classification of what the driver throws while the
/// primary is lost: no server needed.</summary>
public sealed class PostgresMultiHostTests
{
    private static DbConnectionStringBuilder Parse(string value) => new() { ConnectionString = PostgresConnectionString.ToKeyValue(value) };

    [Fact]
    public void A_multi_host_url_becomes_npgsql_host_list_with_target_session_attributes()
    {
        var b = Parse("postgres://app:p%40ss@db-a:5432,db-b:5433/cedros?target_session_attrs=primary&sslmode=require");
        Assert.Equal("db-a:5432,db-b:5433", b["Host"]);
        Assert.False(b.ContainsKey("Port"));
        Assert.Equal("app", b["Username"]);
        Assert.Equal("p@ss", b["Password"]);
        Assert.Equal("cedros", b["Database"]);
        Assert.Equal("primary", b["Target Session Attributes"]);
        Assert.Equal("Require", b["SSL Mode"]);
        var npgsql = new NpgsqlConnectionStringBuilder(b.ConnectionString);
        Assert.Equal("db-a:5432,db-b:5433", npgsql.Host);
        Assert.Equal("primary", npgsql.TargetSessionAttributes);
    }

    [Fact]
    public void Multi_host_urls_accept_default_ports_ipv6_and_load_balancing()
    {
        var b = Parse("postgresql://u@a,[::1]:6000,c:7/d?load_balance_hosts=random");
        Assert.Equal("a,[::1]:6000,c:7", b["Host"]);
        Assert.Equal("true", b["Load Balance Hosts"]);
        var single = Parse("postgres://u@[::1]:6000/d");
        Assert.Equal("::1", single["Host"]);
        Assert.Equal("6000", single["Port"]);
    }

    [Theory]
    [InlineData("postgres://u:s3cret@a:1,b:notaport/d")]
    [InlineData("postgres://u:s3cret@a:1,,b:2/d")]
    [InlineData("postgres://u:s3cret@a:1,b:2/d?target_session_attrs=bogus")]
    [InlineData("postgres://u:s3cret@a:99999/d")]
    [InlineData("postgres://u:s3cret@/d")]
    public void A_bad_multi_host_url_is_a_configuration_error_without_the_password(string url)
    {
        var ex = Assert.Throws<StorageConfigurationException>(() => PostgresConnectionString.ToKeyValue(url));
        Assert.DoesNotContain("s3cret", ex.ToString(), StringComparison.Ordinal);
        Assert.Equal("storage.postgres.connection_string", ex.Key);
    }

    [Fact]
    public void A_multi_host_string_defaults_to_the_primary_and_a_one_second_host_recheck()
    {
        var multi = PostgresStorage.BuildConnectionString(Options("Host=a:1,b:2;Username=u;Password=p;Database=d"));
        Assert.Equal("primary", multi.TargetSessionAttributes);
        Assert.Equal(PostgresStorage.MultiHostRecheckSeconds, multi.HostRecheckSeconds);

        var url = PostgresStorage.BuildConnectionString(Options("postgres://u:p@a:1,b:2/d"));
        Assert.Equal("primary", url.TargetSessionAttributes);

        var chosen = PostgresStorage.BuildConnectionString(Options("Host=a:1,b:2;Username=u;Target Session Attributes=prefer-standby;Host Recheck Seconds=7"));
        Assert.Equal("prefer-standby", chosen.TargetSessionAttributes);
        Assert.Equal(7, chosen.HostRecheckSeconds);

        var single = PostgresStorage.BuildConnectionString(Options("Host=a;Port=1;Username=u"));
        Assert.Null(single.TargetSessionAttributes);
        Assert.Equal(10, single.HostRecheckSeconds);
    }

    private static StorageOptions Options(string cs)
    {
        var options = new StorageOptions { Backend = StorageBackend.Postgres };
        options.Postgres.ConnectionString = cs;
        return options;
    }

    public static TheoryData<Exception> LostPrimary => new()
    {
        // Every host of a multi-host string refused to be the primary (standbys only, mid-failover).
        new NpgsqlException("No suitable host was found."),
        // Every host failed differently: Npgsql aggregates the attempts.
        new NpgsqlException("Unable to connect to a suitable host. Check inner exception for more details.",
            new AggregateException(new NpgsqlException("Failed to connect to 127.0.0.1:55441", new SocketException((int)SocketError.ConnectionRefused)),
                new NpgsqlException("x", new TimeoutException()))),
        // Connection lost mid-command or mid-commit.
        new NpgsqlException("Exception while reading from stream", new EndOfStreamException()),
        new NpgsqlException("Exception while writing to stream", new IOException("broken pipe", new SocketException((int)SocketError.ConnectionReset))),
        new NpgsqlException("Exception while reading from stream", new TimeoutException()),
        new SocketException((int)SocketError.ConnectionRefused),
        // The server: read-only during promotion, shut down, starting up.
        new PostgresException("cannot execute INSERT in a read-only transaction", "ERROR", "ERROR", PostgresErrorCodes.ReadOnlySqlTransaction),
        new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", PostgresErrorCodes.AdminShutdown),
        new PostgresException("terminating connection because of crash of another server process", "FATAL", "FATAL", PostgresErrorCodes.CrashShutdown),
        new PostgresException("the database system is starting up", "FATAL", "FATAL", PostgresErrorCodes.CannotConnectNow),
        new PostgresException("canceling statement due to statement timeout", "ERROR", "ERROR", PostgresErrorCodes.QueryCanceled),
    };

    [Theory]
    [MemberData(nameof(LostPrimary))]
    public void Losing_the_primary_is_Unavailable(Exception driver)
    {
        Assert.True(PostgresErrors.IsDriverError(driver));
        var translated = PostgresErrors.Translate(driver);
        Assert.IsType<StorageUnavailableException>(translated);
        Assert.Equal(StorageErrorKind.Unavailable, translated.Kind);
        Assert.True(translated.IsTransient);
    }

    [Fact]
    public void A_bug_in_the_SQL_stays_Internal()
    {
        Assert.Equal(StorageErrorKind.Internal,
            PostgresErrors.Translate(new PostgresException("syntax error", "ERROR", "ERROR", PostgresErrorCodes.SyntaxError)).Kind);
    }
}
