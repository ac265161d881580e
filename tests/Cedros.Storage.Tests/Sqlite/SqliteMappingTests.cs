using Cedros.Storage.Internal;
using Cedros.Storage.Sqlite;
using Cedros.Storage.Tests.Backends;
using Microsoft.Data.Sqlite;

namespace Cedros.Storage.Tests.Sqlite;

/// <summary>How values are laid out in the file: integer microseconds, JSON text, byte-exact payloads, parameters only.</summary>
public sealed class SqliteMappingTests(SqliteFixture fixture) : IClassFixture<SqliteFixture>
{
    private static object? Scalar(string path, string sql)
    {
        using var c = new SqliteConnection($"Data Source={path};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }

    [Fact]
    public async Task Timestamps_are_integer_microseconds_since_the_epoch_and_sort_correctly()
    {
        var path = fixture.NewPath();
        await using var storage = await SqliteStorage.OpenAsync(fixture.NewOptions(path));
        var at = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero).AddTicks(1234567);
        await storage.Default.RecordPaymentAsync(new PaymentTransaction { Signature = "a", ResourceId = "r", CreatedAt = at });
        await storage.Default.RecordPaymentAsync(new PaymentTransaction { Signature = "b", ResourceId = "r", CreatedAt = at.AddTicks(10) });

        Assert.Equal("integer", Scalar(path, "SELECT typeof(created_at) FROM payment_transactions WHERE signature = 'a'"));
        Assert.Equal(StorageTime.ToUnixMicros(at), (long)Scalar(path, "SELECT created_at FROM payment_transactions WHERE signature = 'a'")!);
        Assert.Equal("b", Scalar(path, "SELECT signature FROM payment_transactions ORDER BY created_at DESC LIMIT 1"));
        Assert.Equal(StorageTime.Micro(at), (await storage.Default.GetPaymentAsync("a"))!.CreatedAt);
    }

    [Fact]
    public async Task A_webhook_payload_is_stored_as_the_exact_text_given()
    {
        var path = fixture.NewPath();
        await using var storage = await SqliteStorage.OpenAsync(fixture.NewOptions(path));
        const string payload = "{ \"b\":1,\n  \"a\" : \"é\\u00e9\" }";
        var id = await storage.Default.EnqueueWebhookAsync(new PendingWebhook { Url = "https://x.test", Payload = payload });
        Assert.Equal(payload, Scalar(path, $"SELECT payload FROM webhook_queue WHERE id = '{id}'"));
        Assert.Equal(payload, (await storage.Default.GetWebhookAsync(id))!.Payload);
    }

    [Fact]
    public async Task Metadata_is_JSON_text()
    {
        var path = fixture.NewPath();
        await using var storage = await SqliteStorage.OpenAsync(fixture.NewOptions(path));
        await storage.Default.RecordPaymentAsync(new PaymentTransaction
        {
            Signature = "m", ResourceId = "r", Metadata = new Dictionary<string, string> { ["k"] = "v" },
        });
        Assert.Equal("{\"k\":\"v\"}", Scalar(path, "SELECT metadata FROM payment_transactions WHERE signature = 'm'"));
    }

    [Fact]
    public async Task Values_that_look_like_SQL_are_stored_as_data()
    {
        await using var storage = await SqliteStorage.OpenAsync(fixture.NewOptions(fixture.NewPath()));
        const string evil = "x'); DROP TABLE orders; --";
        await storage.Default.RecordPaymentAsync(new PaymentTransaction { Signature = evil, ResourceId = evil, Wallet = evil });
        Assert.Equal(evil, (await storage.Default.GetPaymentAsync(evil))!.Wallet);
        Assert.Empty(await storage.Default.ListOrdersAsync(10, 0));
    }

    [Fact]
    public async Task A_coupon_code_is_unique_regardless_of_case_in_the_database()
    {
        var path = fixture.NewPath();
        await using var storage = await SqliteStorage.OpenAsync(fixture.NewOptions(path));
        await storage.Default.Coupons.CreateCouponAsync(new Coupon { Code = "SAVE10", DiscountValue = 10 });
        await Assert.ThrowsAsync<StorageConflictException>(() => storage.Default.Coupons.CreateCouponAsync(new Coupon { Code = "save10", DiscountValue = 5 }));
        Assert.Equal(1L, (long)Scalar(path, "SELECT count(*) FROM coupons")!);
    }
}
