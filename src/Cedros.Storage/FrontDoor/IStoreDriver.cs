using Cedros.Storage.FrontDoor.Drivers;

namespace Cedros.Storage.FrontDoor;

/// <summary>
/// What a backend implements for one tenant: the database side of every contract area, below the front door
/// (<see cref="TenantStore"/>). The front door owns argument checks, normalisation, overloads, domain errors, spans and
/// metrics; a driver turns narrow operations into SQL (or locked in-memory steps) and reports raw outcomes.
/// </summary>
internal interface IStoreDriver :
    ICartQuoteDriver,
    IRefundQuoteDriver,
    IOrderDriver,
    IFulfillmentDriver,
    IInventoryDriver,
    IPaymentDriver,
    INonceDriver,
    IWebhookDriver,
    IIdempotencyDriver,
    IStripeSessionDriver
{
    /// <summary>The tenant whose rows this driver reads and writes.</summary>
    string TenantId { get; }

    /// <summary>True when this driver is bound to a transaction.</summary>
    bool InTransaction { get; }

    /// <summary>The product catalogue's driver.</summary>
    IProductDriver Products { get; }

    /// <summary>The coupon catalogue's driver.</summary>
    ICouponDriver Coupons { get; }

    /// <summary>The subscriptions' driver.</summary>
    ISubscriptionDriver Subscriptions { get; }

    /// <summary>Every tenant id with at least one row in any table (any tenant's; not only this driver's), ordered.</summary>
    Task<IReadOnlyList<string>> ListTenantIdsAsync(CancellationToken cancellationToken);

    /// <summary>Runs <paramref name="work"/> in a new transaction with a driver bound to it: commits when it returns,
    /// rolls back when it throws. On a driver already bound to a transaction, checks that it is still live and joins it
    /// (<paramref name="work"/> gets this driver).</summary>
    Task<T> TransactAsync<T>(Func<IStoreDriver, CancellationToken, Task<T>> work, CancellationToken cancellationToken);
}
