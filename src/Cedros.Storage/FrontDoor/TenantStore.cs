using Cedros.Storage.Validation;

namespace Cedros.Storage.FrontDoor;

/// <summary>
/// The front door: the one implementation of <see cref="ITenantStorage"/> every backend is reached through. Each call
/// passes <see cref="Call{T}"/>, which gives it its span, its duration measurement and its slow-call log. Each contract
/// area lives in its own partial file; below it, the backend's <see cref="IStoreDriver"/>.
/// </summary>
internal sealed partial class TenantStore : ITenantStorage
{
    private readonly StorageFrontDoor _door;

    public TenantStore(StorageFrontDoor door, IStoreDriver driver)
    {
        _door = door;
        Driver = driver;
        Products = new TenantProducts(this);
        Coupons = new TenantCoupons(this);
        Subscriptions = new TenantSubscriptions(this);
    }

    public string TenantId => Driver.TenantId;
    public IProductRepository Products { get; }
    public ICouponRepository Coupons { get; }
    public ISubscriptionRepository Subscriptions { get; }

    internal IStoreDriver Driver { get; }
    internal StorageFrontDoor Door => _door;
    internal DateTimeOffset Now => _door.Now;
    internal Observability.RefusalCounters Refusals => _door.Telemetry.Refusals;

    public Task InTransactionAsync(Func<ITenantStorage, CancellationToken, Task> work, CancellationToken cancellationToken = default)
    {
        Check.NotNull(work, "work");
        return InTransactionAsync<bool>(async (tx, ct) => { await work(tx, ct).ConfigureAwait(false); return true; }, cancellationToken);
    }

    public Task<T> InTransactionAsync<T>(Func<ITenantStorage, CancellationToken, Task<T>> work, CancellationToken cancellationToken = default)
    {
        Check.NotNull(work, "work");
        // A nested call joins the transaction this handle is bound to (the driver checks that it is still live).
        if (Driver.InTransaction) return Driver.TransactAsync((_, ct) => work(this, ct), cancellationToken);
        return Call("Transaction", null,
            ct => Driver.TransactAsync((bound, innerCt) => work(new TenantStore(_door, bound), innerCt), ct), cancellationToken);
    }

    public Task<IReadOnlyList<string>> ListTenantsAsync(CancellationToken cancellationToken = default) =>
        Call("ListTenants", null, Driver.ListTenantIdsAsync, cancellationToken);

    /// <summary>
    /// Housekeeping the same way on every backend: each batch of at most <c>storage.housekeeping_batch_size</c> rows is
    /// one atomic step of the driver (so live traffic interleaves between batches), repeated until a batch finds nothing.
    /// </summary>
    /// <remarks><paramref name="progress"/>, when given, receives the running total after every batch that changed rows.</remarks>
    internal async Task<long> InBatchesAsync(Func<int, CancellationToken, Task<int>> batch, CancellationToken cancellationToken,
        IProgress<long>? progress = null)
    {
        var size = Math.Max(1, _door.Options.HousekeepingBatchSize);
        long total = 0;
        while (true)
        {
            var done = await batch(size, cancellationToken).ConfigureAwait(false);
            if (done == 0) return total;
            total += done;
            progress?.Report(total);
        }
    }

    /// <summary>Runs one contract call through the door's telemetry.</summary>
    internal Task<T> Call<T>(string operation, string? entity, Func<CancellationToken, Task<T>> body, CancellationToken cancellationToken) =>
        _door.Telemetry.RunAsync(operation, entity, TenantId, body, cancellationToken);

    /// <summary>As <see cref="Call{T}"/> without a result.</summary>
    internal Task Call(string operation, string? entity, Func<CancellationToken, Task> body, CancellationToken cancellationToken) =>
        _door.Telemetry.RunAsync(operation, entity, TenantId, body, cancellationToken);
}
