using Cedros.Storage.Internal;
using Cedros.Storage.Validation;

namespace Cedros.Storage.InMemory;

/// <summary>
/// Subscriptions of one tenant. "Live" statuses (active, trialing, past_due) are the ones that grant access and that
/// the active/expiring lists report. The Stripe subscription id is unique per tenant.
/// </summary>
internal sealed class InMemorySubscriptionRepository(InMemoryStore store) : ISubscriptionRepository
{
    private readonly InMemoryStore _store = store;

    public Task CreateAsync(Subscription subscription, CancellationToken cancellationToken)
    {
        var prepared = Prepare.Subscription(_store.TenantId, subscription, _store.Now);
        return _store.RunAsync(t =>
        {
            if (t.Subscriptions.ContainsKey(_store.Key(prepared.Id)))
                throw Conflicts.AlreadyExists("subscription", prepared.Id);
            RequireUniqueStripeId(t, prepared);
            t.Subscriptions = t.Subscriptions.Add(_store.Key(prepared.Id), prepared);
        }, cancellationToken);
    }

    public Task<Subscription?> GetAsync(string id, CancellationToken cancellationToken)
    {
        Check.Id(id, "subscription id");
        return _store.RunAsync(t => t.Subscriptions.GetValueOrDefault(_store.Key(id)), cancellationToken);
    }

    public Task UpdateAsync(Subscription subscription, CancellationToken cancellationToken)
    {
        var now = _store.Now;
        var prepared = Prepare.Subscription(_store.TenantId, subscription, now);
        return _store.RunAsync(t =>
        {
            if (!t.Subscriptions.TryGetValue(_store.Key(prepared.Id), out var existing)) throw new StorageNotFoundException("subscription", prepared.Id);
            RequireUniqueStripeId(t, prepared);
            t.Subscriptions = t.Subscriptions.SetItem(_store.Key(prepared.Id), prepared with { CreatedAt = existing.CreatedAt, UpdatedAt = now });
        }, cancellationToken);
    }

    public Task DeleteAsync(string id, CancellationToken cancellationToken) =>
        UpdateStatusAsync(id, SubscriptionStatus.Cancelled, cancellationToken);

    public Task<Subscription?> GetByWalletAsync(string wallet, string productId, CancellationToken cancellationToken)
    {
        Check.Required(wallet, "wallet");
        Check.Id(productId, "product_id");
        return _store.RunAsync(t =>
        {
            var now = _store.Now;
            return NewestFirst(Tenant(t).Where(s => string.Equals(s.Wallet, wallet, StringComparison.Ordinal)
                    && string.Equals(s.ProductId, productId, StringComparison.Ordinal)
                    && IsLive(s.Status) && s.CurrentPeriodStart <= now && now < s.CurrentPeriodEnd))
                .FirstOrDefault();
        }, cancellationToken);
    }

    public Task<Subscription?> GetByStripeSubscriptionIdAsync(string stripeSubscriptionId, CancellationToken cancellationToken)
    {
        Check.Id(stripeSubscriptionId, "stripe_subscription_id");
        return _store.RunAsync(t => Tenant(t)
            .FirstOrDefault(s => string.Equals(s.StripeSubscriptionId, stripeSubscriptionId, StringComparison.Ordinal)), cancellationToken);
    }

    public Task<IReadOnlyList<Subscription>> GetByStripeCustomerIdAsync(string customerId, CancellationToken cancellationToken)
    {
        Check.Id(customerId, "stripe_customer_id");
        return _store.RunAsync<IReadOnlyList<Subscription>>(t => NewestFirst(Tenant(t)
            .Where(s => string.Equals(s.StripeCustomerId, customerId, StringComparison.Ordinal))).ToArray(), cancellationToken);
    }

    public Task<IReadOnlyList<Subscription>> ListByProductAsync(string productId, CancellationToken cancellationToken)
    {
        Check.Id(productId, "product_id");
        return _store.RunAsync<IReadOnlyList<Subscription>>(t => NewestFirst(Tenant(t)
            .Where(s => string.Equals(s.ProductId, productId, StringComparison.Ordinal))).ToArray(), cancellationToken);
    }

    public Task<IReadOnlyList<Subscription>> ListActiveAsync(string? productId, CancellationToken cancellationToken)
    {
        if (productId is not null) Check.Id(productId, "product_id");
        return _store.RunAsync<IReadOnlyList<Subscription>>(t => NewestFirst(Tenant(t)
            .Where(s => IsLive(s.Status) && (productId is null || string.Equals(s.ProductId, productId, StringComparison.Ordinal))))
            .ToArray(), cancellationToken);
    }

    public Task<IReadOnlyList<Subscription>> ListExpiringAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        var cutoff = StorageTime.Micro(before);
        return _store.RunAsync<IReadOnlyList<Subscription>>(t => Tenant(t)
            .Where(s => IsLive(s.Status) && s.CurrentPeriodEnd < cutoff)
            .OrderBy(s => s.CurrentPeriodEnd).ThenBy(s => s.Id, Utf8Order.Instance)
            .ToArray(), cancellationToken);
    }

    public Task UpdateStatusAsync(string id, SubscriptionStatus status, CancellationToken cancellationToken)
    {
        Check.Id(id, "subscription id");
        Check.Defined(status, "status");
        return _store.RunAsync(t =>
        {
            if (!t.Subscriptions.TryGetValue(_store.Key(id), out var existing)) throw new StorageNotFoundException("subscription", id);
            var now = _store.Now;
            t.Subscriptions = t.Subscriptions.SetItem(_store.Key(id), existing with
            {
                Status = status,
                // The first cancellation time is kept; other statuses leave cancelled_at as it was.
                CancelledAt = status == SubscriptionStatus.Cancelled ? existing.CancelledAt ?? now : existing.CancelledAt,
                UpdatedAt = now,
            });
        }, cancellationToken);
    }

    public Task ExtendPeriodAsync(string id, DateTimeOffset newStart, DateTimeOffset newEnd, CancellationToken cancellationToken) =>
        ExtendAsync(id, newStart, newEnd, expectedCurrentEnd: null, cancellationToken);

    public Task ExtendPeriodAsync(string id, DateTimeOffset newStart, DateTimeOffset newEnd, DateTimeOffset expectedCurrentEnd, CancellationToken cancellationToken) =>
        ExtendAsync(id, newStart, newEnd, StorageTime.Micro(expectedCurrentEnd), cancellationToken);

    private Task ExtendAsync(string id, DateTimeOffset newStart, DateTimeOffset newEnd, DateTimeOffset? expectedCurrentEnd, CancellationToken cancellationToken)
    {
        var (start, end) = PrepareArguments.ExtendPeriod(id, newStart, newEnd);
        return _store.RunAsync(t =>
        {
            if (!t.Subscriptions.TryGetValue(_store.Key(id), out var existing)) throw new StorageNotFoundException("subscription", id);
            if (expectedCurrentEnd is { } expected && existing.CurrentPeriodEnd != expected)
                throw new StorageConflictException($"subscription '{id}' was renewed by someone else (its period no longer ends at the expected time).");
            t.Subscriptions = t.Subscriptions.SetItem(_store.Key(id), existing with
            {
                CurrentPeriodStart = start,
                CurrentPeriodEnd = end,
                UpdatedAt = _store.Now,
            });
        }, cancellationToken);
    }

    private void RequireUniqueStripeId(InMemoryTables t, Subscription s)
    {
        if (s.StripeSubscriptionId is null) return;
        if (Tenant(t).Any(o => o.Id != s.Id && string.Equals(o.StripeSubscriptionId, s.StripeSubscriptionId, StringComparison.Ordinal)))
            throw Conflicts.StripeSubscriptionTaken(s.StripeSubscriptionId);
    }

    private IEnumerable<Subscription> Tenant(InMemoryTables t) =>
        t.Subscriptions.Where(p => p.Key.Tenant == _store.TenantId).Select(p => p.Value);

    private static IEnumerable<Subscription> NewestFirst(IEnumerable<Subscription> subscriptions) =>
        subscriptions.OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id, Utf8Order.Instance);

    /// <summary>Statuses that grant access: active, trialing, past_due.</summary>
    private static bool IsLive(SubscriptionStatus status) =>
        status is SubscriptionStatus.Active or SubscriptionStatus.Trialing or SubscriptionStatus.PastDue;
}
