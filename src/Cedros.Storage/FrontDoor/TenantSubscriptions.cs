namespace Cedros.Storage.FrontDoor;

/// <summary>The front door of one tenant's subscriptions.</summary>
internal sealed class TenantSubscriptions(TenantStore store) : ISubscriptionRepository
{
    private readonly TenantStore _store = store;

    private ISubscriptionRepository Driver => _store.Driver.Subscriptions;

    public Task CreateAsync(Subscription subscription, CancellationToken cancellationToken = default) =>
        _store.Call("Subscription.Create", "subscriptions", ct => Driver.CreateAsync(subscription, ct), cancellationToken);

    public Task<Subscription?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        _store.Call("Subscription.Get", "subscriptions", ct => Driver.GetAsync(id, ct), cancellationToken);

    public Task UpdateAsync(Subscription subscription, CancellationToken cancellationToken = default) =>
        _store.Call("Subscription.Update", "subscriptions", ct => Driver.UpdateAsync(subscription, ct), cancellationToken);

    public Task DeleteAsync(string id, CancellationToken cancellationToken = default) =>
        _store.Call("Subscription.Delete", "subscriptions", ct => Driver.DeleteAsync(id, ct), cancellationToken);

    public Task<Subscription?> GetByWalletAsync(string wallet, string productId, CancellationToken cancellationToken = default) =>
        _store.Call("Subscription.GetByWallet", "subscriptions", ct => Driver.GetByWalletAsync(wallet, productId, ct), cancellationToken);

    public Task<Subscription?> GetByStripeSubscriptionIdAsync(string stripeSubscriptionId, CancellationToken cancellationToken = default) =>
        _store.Call("Subscription.GetByStripeSubscriptionId", "subscriptions", ct => Driver.GetByStripeSubscriptionIdAsync(stripeSubscriptionId, ct), cancellationToken);

    public Task<IReadOnlyList<Subscription>> GetByStripeCustomerIdAsync(string customerId, CancellationToken cancellationToken = default) =>
        _store.Call("Subscription.GetByStripeCustomerId", "subscriptions", ct => Driver.GetByStripeCustomerIdAsync(customerId, ct), cancellationToken);

    public Task<IReadOnlyList<Subscription>> ListByProductAsync(string productId, CancellationToken cancellationToken = default) =>
        _store.Call("Subscription.ListByProduct", "subscriptions", ct => Driver.ListByProductAsync(productId, ct), cancellationToken);

    public Task<IReadOnlyList<Subscription>> ListActiveAsync(string? productId = null, CancellationToken cancellationToken = default) =>
        _store.Call("Subscription.ListActive", "subscriptions", ct => Driver.ListActiveAsync(productId, ct), cancellationToken);

    public Task<IReadOnlyList<Subscription>> ListExpiringAsync(DateTimeOffset before, CancellationToken cancellationToken = default) =>
        _store.Call("Subscription.ListExpiring", "subscriptions", ct => Driver.ListExpiringAsync(before, ct), cancellationToken);

    public Task UpdateStatusAsync(string id, SubscriptionStatus status, CancellationToken cancellationToken = default) =>
        _store.Call("Subscription.UpdateStatus", "subscriptions", ct => Driver.UpdateStatusAsync(id, status, ct), cancellationToken);

    public Task ExtendPeriodAsync(string id, DateTimeOffset newStart, DateTimeOffset newEnd, CancellationToken cancellationToken = default) =>
        _store.Call("Subscription.ExtendPeriod", "subscriptions", ct => Driver.ExtendPeriodAsync(id, newStart, newEnd, ct), cancellationToken);

    public Task ExtendPeriodAsync(string id, DateTimeOffset newStart, DateTimeOffset newEnd, DateTimeOffset expectedCurrentEnd, CancellationToken cancellationToken = default) =>
        _store.Call("Subscription.ExtendPeriod", "subscriptions", ct => Driver.ExtendPeriodAsync(id, newStart, newEnd, expectedCurrentEnd, ct), cancellationToken);
}
