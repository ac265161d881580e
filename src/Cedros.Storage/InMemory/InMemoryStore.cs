using Cedros.Storage.FrontDoor;
using Cedros.Storage.FrontDoor.Drivers;

namespace Cedros.Storage.InMemory;

/// <summary>
/// One tenant's view of an <see cref="InMemoryStorage"/>; it is every area's driver, each area in its own partial file.
/// Records are immutable and their lists and maps read-only, so returning stored values never exposes mutable state.
/// </summary>
internal sealed partial class InMemoryStore(InMemoryEngine engine, string tenantId, InMemoryTransaction? transaction = null) : IStoreDriver
{
    public string TenantId { get; } = tenantId;
    public IProductDriver Products => this;
    public ICouponDriver Coupons => this;
    public ISubscriptionDriver Subscriptions => this;

    private (string, string) Key(string id) => (TenantId, id);

    public Task<IReadOnlyList<string>> ListTenantIdsAsync(CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<string>>(t => [.. new[]
            {
                t.CartQuotes.Keys.Select(k => k.Tenant), t.RefundQuotes.Keys.Select(k => k.Tenant), t.Orders.Keys.Select(k => k.Tenant),
                t.OrderHistory.Keys.Select(k => k.Tenant), t.Fulfillments.Keys.Select(k => k.Tenant), t.Reservations.Keys.Select(k => k.Tenant),
                t.Payments.Values.Select(p => p.TenantId), t.PaymentsArchive.Values.Select(p => p.TenantId), t.Nonces.Keys.Select(k => k.Tenant),
                t.Webhooks.Values.Select(w => w.TenantId), t.IdempotencyKeys.Keys.Select(k => k.Tenant), t.StripeSessions.Keys.Select(k => k.Tenant),
                t.Products.Keys.Select(k => k.Tenant), t.Coupons.Keys.Select(k => k.Tenant), t.Subscriptions.Keys.Select(k => k.Tenant),
            }.SelectMany(x => x).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)], cancellationToken);

    /// <summary>Runs one atomic operation (see <see cref="InMemoryEngine.RunAsync{T}"/>).</summary>
    private Task<T> RunAsync<T>(Func<InMemoryTables, T> operation, CancellationToken cancellationToken) =>
        engine.RunAsync(transaction, operation, cancellationToken);

    public bool InTransaction => transaction is not null;

    public Task<T> TransactAsync<T>(Func<IStoreDriver, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        if (transaction is not null)
        {
            transaction.EnsureLive();
            return work(this, cancellationToken);
        }
        return engine.TransactAsync((handle, ct) => work(new InMemoryStore(engine, TenantId, handle), ct), cancellationToken);
    }
}
