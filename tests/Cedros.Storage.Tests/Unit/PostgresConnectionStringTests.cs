using System.Data.Common;
using Cedros.Storage.Configuration;

namespace Cedros.Storage.Tests.Unit;

public sealed class PostgresConnectionStringTests
{
    private static DbConnectionStringBuilder Parse(string value) => new() { ConnectionString = PostgresConnectionString.ToKeyValue(value) };

    [Fact]
    public void A_url_becomes_key_value_with_the_password_percent_decoded_and_sslmode_kept()
    {
        var b = Parse("postgres://app%40corp:p%40ss%3Bw%3Dord@db.example.com:6543/cedros%20pay?sslmode=verify-full");
        Assert.Equal("db.example.com", b["Host"]);
        Assert.Equal("6543", b["Port"]);
        Assert.Equal("app@corp", b["Username"]);
        Assert.Equal("p@ss;w=ord", b["Password"]);
        Assert.Equal("cedros pay", b["Database"]);
        Assert.Equal("VerifyFull", b["SSL Mode"]);
    }

    [Fact]
    public void A_postgresql_url_without_port_or_password_works()
    {
        var b = Parse("postgresql://app@localhost/db");
        Assert.Equal("localhost", b["Host"]);
        Assert.False(b.ContainsKey("Port"));
        Assert.False(b.ContainsKey("Password"));
        Assert.Equal("app", b["Username"]);
    }

    [Fact]
    public void A_key_value_string_is_returned_unchanged()
    {
        const string cs = "Host=h;Port=5432;Username=u;Password=p;Database=d";
        Assert.Equal(cs, PostgresConnectionString.ToKeyValue(cs));
    }

    [Fact]
    public void An_unknown_sslmode_is_a_configuration_error_that_does_not_leak_the_password()
    {
        var ex = Assert.Throws<StorageConfigurationException>(() => PostgresConnectionString.ToKeyValue("postgres://u:s3cret@h/d?sslmode=bogus"));
        Assert.DoesNotContain("s3cret", ex.Message, StringComparison.Ordinal);
        Assert.Equal("storage.postgres.connection_string", ex.Key);
    }

    [Fact]
    public void An_empty_connection_string_is_a_configuration_error()
    {
        Assert.Throws<StorageConfigurationException>(() => PostgresConnectionString.ToKeyValue(" "));
    }
}
