using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Internal;

namespace Cedros.Storage.InMemory;

/// <summary>
/// Subscriptions of one tenant. "Live" statuses (active, trialing, past_due) are the ones that grant access and that
/// the active/expiring lists report. The Stripe subscription id is unique per tenant.
/// </summary>
internal sealed partial class InMemoryStore : ISubscriptionDriver
{
    public Task<SubscriptionWrite> InsertSubscriptionAsync(Subscription subscription, CancellationToken cancellationToken) =>
        // A taken id is reported before a taken Stripe id.
        RunAsync(t => !t.Subscriptions.ContainsKey(Key(subscription.Id)) && StripeIdTaken(t, subscription) ? SubscriptionWrite.StripeIdTaken
            : Table.TryAdd(ref t.Subscriptions, Key(subscription.Id), subscription) ? SubscriptionWrite.Done : SubscriptionWrite.IdTaken,
            cancellationToken);

    public Task<Subscription?> SelectSubscriptionAsync(string id, CancellationToken cancellationToken) =>
        RunAsync(t => t.Subscriptions.GetValueOrDefault(Key(id)), cancellationToken);

    public Task<SubscriptionWrite> ReplaceSubscriptionAsync(Subscription subscription, CancellationToken cancellationToken) =>
        RunAsync(t => Table.ChangeIf(ref t.Subscriptions, Key(subscription.Id), _ => !StripeIdTaken(t, subscription),
            existing => subscription with { CreatedAt = existing.CreatedAt },
            SubscriptionWrite.Missing, _ => SubscriptionWrite.StripeIdTaken, _ => SubscriptionWrite.Done), cancellationToken);

    public Task<Subscription?> SelectCurrentSubscriptionAsync(string wallet, string productId, DateTimeOffset now, CancellationToken cancellationToken) =>
        RunAsync(t => Table.NewestFirst(Tenant(t).Where(s => string.Equals(s.Wallet, wallet, StringComparison.Ordinal)
                && string.Equals(s.ProductId, productId, StringComparison.Ordinal)
                && IsLive(s.Status) && s.CurrentPeriodStart <= now && now < s.CurrentPeriodEnd), s => s.CreatedAt, s => s.Id, 1)
            .FirstOrDefault(), cancellationToken);

    public Task<Subscription?> SelectSubscriptionByStripeIdAsync(string stripeSubscriptionId, CancellationToken cancellationToken) =>
        RunAsync(t => Tenant(t)
            .FirstOrDefault(s => string.Equals(s.StripeSubscriptionId, stripeSubscriptionId, StringComparison.Ordinal)), cancellationToken);

    public Task<IReadOnlyList<Subscription>> SelectSubscriptionsByCustomerAsync(string customerId, CancellationToken cancellationToken) =>
        Newest(s => string.Equals(s.StripeCustomerId, customerId, StringComparison.Ordinal), cancellationToken);

    public Task<IReadOnlyList<Subscription>> SelectSubscriptionsByProductAsync(string productId, CancellationToken cancellationToken) =>
        Newest(s => string.Equals(s.ProductId, productId, StringComparison.Ordinal), cancellationToken);

    public Task<IReadOnlyList<Subscription>> SelectLiveSubscriptionsAsync(string? productId, CancellationToken cancellationToken) =>
        Newest(s => IsLive(s.Status) && (productId is null || string.Equals(s.ProductId, productId, StringComparison.Ordinal)), cancellationToken);

    public Task<IReadOnlyList<Subscription>> SelectLiveSubscriptionsEndingBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<Subscription>>(t => Tenant(t).Where(s => IsLive(s.Status) && s.CurrentPeriodEnd < cutoff)
            .OrderBy(s => s.CurrentPeriodEnd).ThenBy(s => s.Id, Utf8Order.Instance).ToArray(), cancellationToken);

    public Task<bool> SetSubscriptionStatusAsync(string id, SubscriptionStatus status, DateTimeOffset now, CancellationToken cancellationToken) =>
        RunAsync(t => Table.Update(ref t.Subscriptions, Key(id), existing => existing with
        {
            Status = status,
            // The first cancellation time is kept; other statuses leave cancelled_at as it was.
            CancelledAt = status == SubscriptionStatus.Cancelled ? existing.CancelledAt ?? now : existing.CancelledAt,
            UpdatedAt = now,
        }) is not null, cancellationToken);

    public Task<SubscriptionWrite> MoveSubscriptionPeriodAsync(string id, DateTimeOffset start, DateTimeOffset end, DateTimeOffset? expectedCurrentEnd,
        DateTimeOffset now, CancellationToken cancellationToken) =>
        RunAsync(t => Table.ChangeIf(ref t.Subscriptions, Key(id),
            s => expectedCurrentEnd is not { } expected || s.CurrentPeriodEnd == expected,
            s => s with { CurrentPeriodStart = start, CurrentPeriodEnd = end, UpdatedAt = now },
            SubscriptionWrite.Missing, _ => SubscriptionWrite.PeriodMoved, _ => SubscriptionWrite.Done), cancellationToken);

    private bool StripeIdTaken(InMemoryTables t, Subscription s) =>
        s.StripeSubscriptionId is not null
        && Tenant(t).Any(o => o.Id != s.Id && string.Equals(o.StripeSubscriptionId, s.StripeSubscriptionId, StringComparison.Ordinal));

    private IEnumerable<Subscription> Tenant(InMemoryTables t) => Table.OfTenant(t.Subscriptions, TenantId);

    /// <summary>This tenant's subscriptions that match, newest first.</summary>
    private Task<IReadOnlyList<Subscription>> Newest(Func<Subscription, bool> match, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<Subscription>>(t => Table.NewestFirst(Tenant(t).Where(match), s => s.CreatedAt, s => s.Id), cancellationToken);

    /// <summary>Statuses that grant access: active, trialing, past_due.</summary>
    private static bool IsLive(SubscriptionStatus status) =>
        status is SubscriptionStatus.Active or SubscriptionStatus.Trialing or SubscriptionStatus.PastDue;
}
