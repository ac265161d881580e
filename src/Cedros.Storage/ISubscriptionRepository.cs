namespace Cedros.Storage;

/// <summary>Subscriptions (contract §10).</summary>
public interface ISubscriptionRepository
{
    /// <summary>Creates; duplicate id or Stripe subscription id → Conflict.</summary>
    Task CreateAsync(Subscription subscription, CancellationToken cancellationToken = default);
    /// <summary>The subscription, or null.</summary>
    Task<Subscription?> GetAsync(string id, CancellationToken cancellationToken = default);
    /// <summary>Replaces; missing → NotFound.</summary>
    Task UpdateAsync(Subscription subscription, CancellationToken cancellationToken = default);
    /// <summary>Soft-deletes: status cancelled, cancelled_at = now; missing → NotFound.</summary>
    Task DeleteAsync(string id, CancellationToken cancellationToken = default);
    /// <summary>The current (active|trialing|past_due, period covering now) subscription, newest first, or null.</summary>
    Task<Subscription?> GetByWalletAsync(string wallet, string productId, CancellationToken cancellationToken = default);
    /// <summary>By Stripe subscription id, or null.</summary>
    Task<Subscription?> GetByStripeSubscriptionIdAsync(string stripeSubscriptionId, CancellationToken cancellationToken = default);
    /// <summary>A Stripe customer's subscriptions, newest first.</summary>
    Task<IReadOnlyList<Subscription>> GetByStripeCustomerIdAsync(string customerId, CancellationToken cancellationToken = default);
    /// <summary>A product's subscriptions, newest first.</summary>
    Task<IReadOnlyList<Subscription>> ListByProductAsync(string productId, CancellationToken cancellationToken = default);
    /// <summary>Active-status subscriptions, optionally for one product, newest first.</summary>
    Task<IReadOnlyList<Subscription>> ListActiveAsync(string? productId = null, CancellationToken cancellationToken = default);
    /// <summary>Active-status subscriptions whose period ends before <paramref name="before"/>, soonest first.</summary>
    Task<IReadOnlyList<Subscription>> ListExpiringAsync(DateTimeOffset before, CancellationToken cancellationToken = default);
    /// <summary>Sets the status (cancelled also sets cancelled_at); missing → NotFound.</summary>
    Task UpdateStatusAsync(string id, SubscriptionStatus status, CancellationToken cancellationToken = default);
    /// <summary>Moves the period (newEnd &gt; newStart); missing → NotFound.</summary>
    Task ExtendPeriodAsync(string id, DateTimeOffset newStart, DateTimeOffset newEnd, CancellationToken cancellationToken = default);
    /// <summary>Moves the period only if it still ends at <paramref name="expectedCurrentEnd"/>; else Conflict.</summary>
    Task ExtendPeriodAsync(string id, DateTimeOffset newStart, DateTimeOffset newEnd, DateTimeOffset expectedCurrentEnd,
        CancellationToken cancellationToken = default);
}
