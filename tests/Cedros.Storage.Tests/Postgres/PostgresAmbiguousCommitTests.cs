using Cedros.Storage.Postgres;
using Cedros.Storage.Tests.Backends;
using Cedros.Storage.Tests.Conformance;
using Npgsql;

namespace Cedros.Storage.Tests.Postgres;

/// <summary>
/// Issue 18, ambiguous commits: the connection is lost after the server committed but before the caller heard so
/// (<see cref="CommitDropProxy"/>). The caller gets Unavailable, retries with the same attempt id, and its own row is
/// success, not a replay; nothing is written twice.
/// </summary>
public sealed class PostgresAmbiguousCommitTests(PostgresFixture fixture) : IClassFixture<PostgresFixture>
{
    [Fact]
    public async Task A_payment_whose_commit_reply_is_lost_is_Unavailable_and_the_retry_with_its_attempt_id_succeeds_once()
    {
        await using var lossy = await LossyAsync();
        var t = lossy.Storage.Default;
        var payment = Make.Payment(DateTimeOffset.UtcNow) with { AttemptId = "attempt-1" };

        lossy.Proxy.DropAfter(tag => tag.StartsWith("INSERT", StringComparison.Ordinal));
        var lost = await Assert.ThrowsAnyAsync<StorageException>(() => t.RecordPaymentAsync(payment));
        lossy.Proxy.PassEverything();
        Assert.Equal(StorageErrorKind.Unavailable, lost.Kind);
        Assert.Equal(1, lossy.Proxy.Dropped);

        // The server did commit. Without the attempt id the caller's own row reads as a replay (the hole this closes).
        Assert.True(await t.HasPaymentBeenProcessedAsync(payment.Signature));
        await Assert.ThrowsAsync<PaymentReplayException>(() => t.RecordPaymentAsync(payment with { AttemptId = null }));
        await Assert.ThrowsAsync<PaymentReplayException>(() => t.RecordPaymentAsync(payment with { AttemptId = "someone-else" }));

        await t.RecordPaymentAsync(payment);
        Assert.Equal(1, await lossy.CountAsync("payments", "signature", payment.Signature));
        Assert.Equal("attempt-1", (await t.GetPaymentAsync(payment.Signature))!.AttemptId);
    }

    [Fact]
    public async Task A_transaction_whose_COMMIT_reply_is_lost_is_retried_whole_and_leaves_one_payment_and_one_webhook()
    {
        await using var lossy = await LossyAsync();
        var t = lossy.Storage.Default;
        var payment = Make.Payment(DateTimeOffset.UtcNow) with { AttemptId = "order-42-attempt" };
        var webhook = Make.Webhook("wh-order-42-paid");
        Task RecordAsync() => t.InTransactionAsync(async (tx, ct) =>
        {
            await tx.RecordPaymentAsync(payment, ct);
            await tx.EnqueueWebhookAsync(webhook, ct);
        });

        lossy.Proxy.DropAfter(tag => tag == "COMMIT");
        var lost = await Assert.ThrowsAnyAsync<StorageException>(RecordAsync);
        lossy.Proxy.PassEverything();
        Assert.Equal(StorageErrorKind.Unavailable, lost.Kind);
        Assert.Equal(1, lossy.Proxy.Dropped);
        Assert.NotNull(await t.GetWebhookAsync(webhook.Id));

        await RecordAsync();
        Assert.Equal(1, await lossy.CountAsync("payments", "signature", payment.Signature));
        Assert.Equal(1, await lossy.CountAsync("webhook_queue", "id", webhook.Id));
    }

    private async Task<Lossy> LossyAsync()
    {
        var direct = await fixture.CreateSchemaAsync();
        var server = new NpgsqlConnectionStringBuilder(direct);
        var proxy = new CommitDropProxy(server.Host!, server.Port);
        var through = new NpgsqlConnectionStringBuilder(direct) { Host = "127.0.0.1", Port = proxy.Port, SslMode = SslMode.Disable };
        var options = fixture.Options(through.ConnectionString);
        return new Lossy(proxy, await PostgresStorage.OpenAsync(options), direct, options);
    }

    private sealed record Lossy(CommitDropProxy Proxy, ICedrosStorage Storage, string Direct, Configuration.StorageOptions Options) : IAsyncDisposable
    {
        /// <summary>Rows of <paramref name="entity"/>'s table with the key, counted on a direct connection.</summary>
        public async Task<long> CountAsync(string entity, string column, string key)
        {
            var table = Options.ResolveTables().ByEntity(entity).Quoted;
            await using var source = NpgsqlDataSource.Create(Direct);
            await using var cmd = source.CreateCommand($"SELECT count(*) FROM {table} WHERE {column} = @k");
            cmd.Parameters.AddWithValue("k", key);
            return (long)(await cmd.ExecuteScalarAsync())!;
        }

        public async ValueTask DisposeAsync()
        {
            await Storage.DisposeAsync();
            await Proxy.DisposeAsync();
        }
    }
}
