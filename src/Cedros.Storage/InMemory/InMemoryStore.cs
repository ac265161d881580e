using Cedros.Storage.FrontDoor;

namespace Cedros.Storage.InMemory;

/// <summary>
/// One tenant's view of an <see cref="InMemoryStorage"/>. Each contract area lives in its own partial file.
/// Records are immutable and their lists and maps read-only, so returning stored values never exposes mutable state.
/// </summary>
internal sealed partial class InMemoryStore : IStoreDriver
{
    private readonly InMemoryEngine _engine;
    private readonly InMemoryTransaction? _transaction;

    public InMemoryStore(InMemoryEngine engine, string tenantId, InMemoryTransaction? transaction = null)
    {
        _engine = engine;
        _transaction = transaction;
        TenantId = tenantId;
        Products = new InMemoryProductRepository(this);
        Coupons = new InMemoryCouponRepository(this);
        Subscriptions = new InMemorySubscriptionRepository(this);
    }

    public string TenantId { get; }
    public FrontDoor.Drivers.IProductDriver Products { get; }
    public FrontDoor.Drivers.ICouponDriver Coupons { get; }
    public FrontDoor.Drivers.ISubscriptionDriver Subscriptions { get; }

    internal InMemoryEngine Engine => _engine;
    internal DateTimeOffset Now => _engine.Now;
    internal (string, string) Key(string id) => (TenantId, id);

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
    internal Task<T> RunAsync<T>(Func<InMemoryTables, T> operation, CancellationToken cancellationToken) =>
        _engine.RunAsync(_transaction, operation, cancellationToken);

    /// <summary>Runs one atomic operation without a result.</summary>
    internal Task RunAsync(Action<InMemoryTables> operation, CancellationToken cancellationToken) =>
        _engine.RunAsync(_transaction, t => { operation(t); return true; }, cancellationToken);

    public bool InTransaction => _transaction is not null;

    public Task<T> TransactAsync<T>(Func<IStoreDriver, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        if (_transaction is not null)
        {
            _transaction.EnsureLive();
            return work(this, cancellationToken);
        }
        return _engine.TransactAsync((transaction, ct) => work(new InMemoryStore(_engine, TenantId, transaction), ct), cancellationToken);
    }
}
