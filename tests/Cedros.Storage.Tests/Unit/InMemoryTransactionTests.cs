using Cedros.Storage.InMemory;
using Cedros.Storage.Tests.Conformance;

namespace Cedros.Storage.Tests.Unit;

/// <summary>In-memory specifics of transactions that the contract leaves to each backend.</summary>
public sealed class InMemoryTransactionTests
{
    [Fact]
    public async Task A_transaction_handle_used_after_commit_is_refused_and_writes_nothing()
    {
        await using var storage = new InMemoryStorage();
        ITenantStorage? leaked = null;
        await storage.Default.InTransactionAsync((tx, _) => { leaked = tx; return Task.CompletedTask; });
        var order = Make.Order(DateTimeOffset.UtcNow);

        await Assert.ThrowsAsync<InvalidOperationException>(() => leaked!.TryStoreOrderAsync(order));
        await Assert.ThrowsAsync<InvalidOperationException>(() => leaked!.InTransactionAsync((_, _) => Task.CompletedTask));

        Assert.Null(await storage.Default.GetOrderAsync(order.Id));
    }

    [Fact]
    public async Task A_transaction_handle_used_after_rollback_is_refused()
    {
        await using var storage = new InMemoryStorage();
        ITenantStorage? leaked = null;
        await Assert.ThrowsAsync<InvalidOperationException>(() => storage.Default.InTransactionAsync((tx, _) =>
        {
            leaked = tx;
            throw new InvalidOperationException("abort");
        }));

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => leaked!.GetOrderAsync("order-1"));
        Assert.Contains("already committed or rolled back", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Calls_made_in_parallel_through_one_transaction_handle_all_apply()
    {
        await using var storage = new InMemoryStorage();
        var now = DateTimeOffset.UtcNow;

        await storage.Default.InTransactionAsync(async (tx, ct) =>
            await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Task.Run(() => tx.TryStoreOrderAsync(Make.Order(now, id: $"par-{i}"), ct), ct))));

        Assert.Equal(50, (await storage.Default.ListOrdersAsync(100, 0)).Count);
    }
}
