using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Internal;
using Cedros.Storage.Validation;

namespace Cedros.Storage.FrontDoor;

/// <summary>The front door of one tenant's subscriptions.</summary>
internal sealed class TenantSubscriptions(TenantStore store) : ISubscriptionRepository
{
    private readonly TenantStore _store = store;

    private ISubscriptionDriver Driver => _store.Driver.Subscriptions;

    public Task CreateAsync(Subscription subscription, CancellationToken cancellationToken = default) =>
        _store.Call("Subscription.Create", "subscriptions", async ct =>
        {
            var prepared = Prepare.Subscription(_store.TenantId, subscription, _store.Now);
            switch (await Driver.InsertSubscriptionAsync(prepared, ct).ConfigureAwait(false))
            {
                case SubscriptionWrite.IdTaken: throw Conflicts.AlreadyExists("subscription", prepared.Id);
                case SubscriptionWrite.StripeIdTaken: throw Conflicts.StripeSubscriptionTaken(prepared.StripeSubscriptionId);
            }
        }, cancellationToken);

    public Task<Subscription?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        _store.Call("Subscription.Get", "subscriptions", ct => Driver.SelectSubscriptionAsync(Check.Id(id, "subscription id"), ct), cancellationToken);

    public Task UpdateAsync(Subscription subscription, CancellationToken cancellationToken = default) =>
        _store.Call("Subscription.Update", "subscriptions", async ct =>
        {
            var now = _store.Now;
            // created_at belongs to the stored row.
            var prepared = Prepare.Subscription(_store.TenantId, subscription, now) with { UpdatedAt = now };
            switch (await Driver.ReplaceSubscriptionAsync(prepared, ct).ConfigureAwait(false))
            {
                case SubscriptionWrite.Missing: throw new StorageNotFoundException("subscription", prepared.Id);
                case SubscriptionWrite.StripeIdTaken: throw Conflicts.StripeSubscriptionTaken(prepared.StripeSubscriptionId);
            }
        }, cancellationToken);

    public Task DeleteAsync(string id, CancellationToken cancellationToken = default) =>
        _store.Call("Subscription.Delete", "subscriptions", ct => SetStatusAsync(id, SubscriptionStatus.Cancelled, ct), cancellationToken);

    public Task<Subscription?> GetByWalletAsync(string wallet, string productId, CancellationToken cancellationToken = default) =>
        _store.Call("Subscription.GetByWallet", "subscriptions", ct =>
        {
            Check.Required(wallet, "wallet");
            Check.Id(productId, "product_id");
            return Driver.SelectCurrentSubscriptionAsync(wallet, productId, _store.Now, ct);
        }, cancellationToken);

    public Task<Subscription?> GetByStripeSubscriptionIdAsync(string stripeSubscriptionId, CancellationToken cancellationToken = default) =>
        _store.Call("Subscription.GetByStripeSubscriptionId", "subscriptions",
            ct => Driver.SelectSubscriptionByStripeIdAsync(Check.Id(stripeSubscriptionId, "stripe_subscription_id"), ct), cancellationToken);

    public Task<IReadOnlyList<Subscription>> GetByStripeCustomerIdAsync(string customerId, CancellationToken cancellationToken = default) =>
        _store.Call("Subscription.GetByStripeCustomerId", "subscriptions",
            ct => Driver.SelectSubscriptionsByCustomerAsync(Check.Id(customerId, "stripe_customer_id"), ct), cancellationToken);

    public Task<IReadOnlyList<Subscription>> ListByProductAsync(string productId, CancellationToken cancellationToken = default) =>
        _store.Call("Subscription.ListByProduct", "subscriptions",
            ct => Driver.SelectSubscriptionsByProductAsync(Check.Id(productId, "product_id"), ct), cancellationToken);

    public Task<IReadOnlyList<Subscription>> ListActiveAsync(string? productId = null, CancellationToken cancellationToken = default) =>
        _store.Call("Subscription.ListActive", "subscriptions", ct =>
        {
            if (productId is not null) Check.Id(productId, "product_id");
            return Driver.SelectLiveSubscriptionsAsync(productId, ct);
        }, cancellationToken);

    public Task<IReadOnlyList<Subscription>> ListExpiringAsync(DateTimeOffset before, CancellationToken cancellationToken = default) =>
        _store.Call("Subscription.ListExpiring", "subscriptions",
            ct => Driver.SelectLiveSubscriptionsEndingBeforeAsync(StorageTime.Micro(before), ct), cancellationToken);

    public Task UpdateStatusAsync(string id, SubscriptionStatus status, CancellationToken cancellationToken = default) =>
        _store.Call("Subscription.UpdateStatus", "subscriptions", ct => SetStatusAsync(id, status, ct), cancellationToken);

    private async Task SetStatusAsync(string id, SubscriptionStatus status, CancellationToken cancellationToken)
    {
        Check.Id(id, "subscription id");
        Check.Defined(status, "status");
        if (!await Driver.SetSubscriptionStatusAsync(id, status, _store.Now, cancellationToken).ConfigureAwait(false))
            throw new StorageNotFoundException("subscription", id);
    }

    public Task ExtendPeriodAsync(string id, DateTimeOffset newStart, DateTimeOffset newEnd, CancellationToken cancellationToken = default) =>
        _store.Call("Subscription.ExtendPeriod", "subscriptions", ct => ExtendAsync(id, newStart, newEnd, null, ct), cancellationToken);

    public Task ExtendPeriodAsync(string id, DateTimeOffset newStart, DateTimeOffset newEnd, DateTimeOffset expectedCurrentEnd, CancellationToken cancellationToken = default) =>
        _store.Call("Subscription.ExtendPeriod", "subscriptions",
            ct => ExtendAsync(id, newStart, newEnd, StorageTime.Micro(expectedCurrentEnd), ct), cancellationToken);

    private async Task ExtendAsync(string id, DateTimeOffset newStart, DateTimeOffset newEnd, DateTimeOffset? expectedCurrentEnd,
        CancellationToken cancellationToken)
    {
        var (start, end) = PrepareArguments.ExtendPeriod(id, newStart, newEnd);
        switch (await Driver.MoveSubscriptionPeriodAsync(id, start, end, expectedCurrentEnd, _store.Now, cancellationToken).ConfigureAwait(false))
        {
            case SubscriptionWrite.Missing: throw new StorageNotFoundException("subscription", id);
            case SubscriptionWrite.PeriodMoved: throw Conflicts.SubscriptionRenewedElsewhere(id);
        }
    }
}
