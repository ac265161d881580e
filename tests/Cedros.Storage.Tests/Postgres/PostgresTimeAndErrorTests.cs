using Cedros.Storage.Postgres;
using Cedros.Storage.Tests.Backends;
using Cedros.Storage.Tests.Conformance;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Cedros.Storage.Tests.Postgres;

public sealed class PostgresTimeAndErrorTests(PostgresFixture fixture) : IClassFixture<PostgresFixture>
{
    private static readonly DateTimeOffset Start = new DateTimeOffset(2026, 3, 1, 23, 30, 0, TimeSpan.Zero).AddTicks(1234567);

    [Fact]
    public async Task Instants_round_trip_as_UTC_microseconds_under_a_non_UTC_session_time_zone()
    {
        var cs = await fixture.CreateSchemaAsync();
        var kolkata = new NpgsqlConnectionStringBuilder(cs) { Timezone = "Asia/Kolkata" }.ConnectionString;
        var time = new FakeTimeProvider(Start);
        await using var storage = await PostgresStorage.OpenAsync(fixture.Options(kolkata), time);
        var now = Cedros.Storage.Internal.StorageTime.Micro(Start);
        var t = storage.Default;

        await t.SaveCartQuoteAsync(Make.Cart(Start, "cart-tz"));   // TIMESTAMP columns (seed)
        await t.TryStoreOrderAsync(Make.Order(Start, "order-tz")); // TIMESTAMPTZ columns (seed)
        await t.CreateNonceAsync(Make.Nonce(Start, id: "nonce-tz") with { ExpiresAt = Start.AddMinutes(1) });

        var cart = await t.GetCartQuoteAsync("cart-tz");
        Assert.Equal(now, cart!.CreatedAt);
        Assert.Equal(TimeSpan.Zero, cart.CreatedAt.Offset);
        Assert.Equal(now, (await t.GetOrderAsync("order-tz"))!.CreatedAt);

        // The seed's TIMESTAMP column holds the UTC wall clock, whatever the session's zone.
        await using (var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(kolkata).ConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT to_char(created_at, 'YYYY-MM-DD HH24:MI:SS.US') FROM cart_quotes WHERE id = 'cart-tz'", conn);
            Assert.Equal("2026-03-01 23:30:00.123456", await cmd.ExecuteScalarAsync());
        }

        // Comparisons against TIMESTAMP columns use UTC too: expiry is exact to the microsecond.
        time.Advance(TimeSpan.FromMinutes(1));
        var ex = await Assert.ThrowsAsync<NonceException>(() => t.ConsumeNonceAsync("nonce-tz"));
        Assert.Equal(NonceFailureReason.Expired, ex.Reason);
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Port=1;Username=postgres;Password=s3cret-pw;Database=postgres;Timeout=3")]
    [InlineData("postgres://postgres:s3cret%2Dpw@127.0.0.1:1/postgres?sslmode=disable")]
    public async Task A_refused_connection_is_Unavailable_and_transient_and_never_shows_the_password(string connectionString)
    {
        var options = fixture.Options(connectionString);
        var ex = await Assert.ThrowsAsync<StorageUnavailableException>(() => PostgresStorage.OpenAsync(options));
        Assert.True(ex.IsTransient);
        Assert.Equal(StorageErrorKind.Unavailable, ex.Kind);
        for (Exception? e = ex; e is not null; e = e.InnerException)
            Assert.DoesNotContain("s3cret", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unparsable_connection_string_is_a_configuration_error_that_does_not_show_the_password()
    {
        var options = fixture.Options("Host=h;Password=s3cret-pw;No Such Key=1");
        var ex = await Assert.ThrowsAsync<StorageConfigurationException>(() => PostgresStorage.OpenAsync(options));
        Assert.DoesNotContain("s3cret", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dropped_connection_is_Unavailable()
    {
        var cs = await fixture.CreateSchemaAsync();
        await using var storage = await PostgresStorage.OpenAsync(fixture.Options(cs, o => o.Postgres.MaxPoolSize = 1), new FakeTimeProvider(Start));
        var ex = await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.Default.InTransactionAsync(async (tx, ct) =>
        {
            await tx.SaveCartQuoteAsync(Make.Cart(Start, "cart-drop"), ct);
            // Another session terminates this backend while the transaction is open.
            await using var admin = new NpgsqlConnection(PostgresFixture.BaseConnectionString);
            await admin.OpenAsync(ct);
            await using var kill = new NpgsqlCommand(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state LIKE 'idle in transaction%' AND query LIKE 'RELEASE%'", admin);
            await kill.ExecuteNonQueryAsync(ct);
            await tx.GetCartQuoteAsync("cart-drop", ct);
        }));
        Assert.True(ex.IsTransient);
    }

    [Fact]
    public async Task A_command_timeout_is_Unavailable()
    {
        var cs = await fixture.CreateSchemaAsync();
        await using var storage = await PostgresStorage.OpenAsync(fixture.Options(cs, o => o.Postgres.CommandTimeout = TimeSpan.FromSeconds(1)),
            new FakeTimeProvider(Start));
        // Another session holds the table, so the write waits until the command timeout.
        await using var blocker = new NpgsqlConnection(cs);
        await blocker.OpenAsync();
        await using var tx = await blocker.BeginTransactionAsync();
        await using (var lockCmd = new NpgsqlCommand("LOCK TABLE cart_quotes IN ACCESS EXCLUSIVE MODE", blocker, tx))
            await lockCmd.ExecuteNonQueryAsync();
        var ex = await Assert.ThrowsAsync<StorageUnavailableException>(() => storage.Default.SaveCartQuoteAsync(Make.Cart(Start, "cart-timeout")));
        Assert.True(ex.IsTransient);
        await tx.RollbackAsync();
    }
}
