namespace Cedros.Storage;

/// <summary>
/// One open storage backend. It owns its connections; <see cref="IAsyncDisposable.DisposeAsync"/> is the seed's
/// <c>Close()</c>. Thread-safe; open one per process and share it.
/// </summary>
public interface ICedrosStorage : IAsyncDisposable
{
    /// <summary>Applies pending schema migrations (no-op when up to date; safe when several instances start at once).</summary>
    Task MigrateAsync(CancellationToken cancellationToken = default);

    /// <summary>A view bound to one tenant. Tenant ids are 1–64 chars of <c>[A-Za-z0-9_-]</c>, else Validation.</summary>
    ITenantStorage ForTenant(string tenantId);

    /// <summary>The view of the <c>default</c> tenant.</summary>
    ITenantStorage Default { get; }
}

/// <summary>
/// Everything the payment server stores for one tenant. A handle sees and writes only its tenant's rows; the tenant of
/// an entity passed in is overwritten with the handle's tenant.
/// </summary>
public interface ITenantStorage : IStore
{
    /// <summary>The tenant this handle is bound to.</summary>
    string TenantId { get; }

    /// <summary>The product catalogue.</summary>
    IProductRepository Products { get; }

    /// <summary>The coupon catalogue.</summary>
    ICouponRepository Coupons { get; }

    /// <summary>Subscriptions.</summary>
    ISubscriptionRepository Subscriptions { get; }

    /// <summary>
    /// Every tenant id that has at least one row in any table (ledger archive included), ordered ordinally. Reads across
    /// tenants, like <see cref="IPaymentLedger.HasPaymentBeenProcessedAsync"/>: for operators and maintenance, e.g.
    /// to report on each tenant. The default tenant is listed only when it has rows.
    /// </summary>
    Task<IReadOnlyList<string>> ListTenantsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs <paramref name="work"/> with a transaction-bound handle: every call made through it commits together when
    /// the callback returns, none does if it throws (the exception propagates). A nested call joins the outer one.
    /// Inside the callback make every call through the handle it is given: a call through any other handle of the
    /// same storage (this one, another tenant's, their repositories) throws <see cref="InvalidOperationException"/> at
    /// once, since it would not be part of the transaction and would wait on its locks.
    /// </summary>
    Task InTransactionAsync(Func<ITenantStorage, CancellationToken, Task> work, CancellationToken cancellationToken = default);

    /// <summary>As <see cref="InTransactionAsync(Func{ITenantStorage, CancellationToken, Task}, CancellationToken)"/>, with a result.</summary>
    Task<T> InTransactionAsync<T>(Func<ITenantStorage, CancellationToken, Task<T>> work, CancellationToken cancellationToken = default);
}

/// <summary>The seed's <c>Store</c>, composed of one small interface per group.</summary>
public interface IStore : ICartQuoteStore, IRefundQuoteStore, IOrderStore, IFulfillmentStore, IInventoryStore,
    IPaymentLedger, IAdminNonceStore, IWebhookQueue, IIdempotencyStore, IStripeSessionStore;
