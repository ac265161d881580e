namespace Cedros.Storage.FrontDoor.Drivers;

/// <summary>The subscriptions of one tenant, database side (contract §10). Values arrive prepared. "Live" statuses
/// (active, trialing, past_due) are the ones that grant access; lists are newest first (created_at, then id, descending)
/// unless said otherwise.</summary>
internal interface ISubscriptionDriver
{
    /// <summary>Inserts the subscription unless its id, or its Stripe subscription id, is taken in the tenant.</summary>
    Task<SubscriptionWrite> InsertSubscriptionAsync(Subscription subscription, CancellationToken cancellationToken);

    /// <summary>The subscription, or null.</summary>
    Task<Subscription?> SelectSubscriptionAsync(string id, CancellationToken cancellationToken);

    /// <summary>Replaces every column but created_at: Missing when there is no such subscription, StripeIdTaken when
    /// another subscription of the tenant has its Stripe subscription id.</summary>
    Task<SubscriptionWrite> ReplaceSubscriptionAsync(Subscription subscription, CancellationToken cancellationToken);

    /// <summary>The newest live subscription of the wallet to the product whose period contains <paramref name="now"/>.</summary>
    Task<Subscription?> SelectCurrentSubscriptionAsync(string wallet, string productId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The subscription with that Stripe subscription id, or null.</summary>
    Task<Subscription?> SelectSubscriptionByStripeIdAsync(string stripeSubscriptionId, CancellationToken cancellationToken);

    /// <summary>The Stripe customer's subscriptions.</summary>
    Task<IReadOnlyList<Subscription>> SelectSubscriptionsByCustomerAsync(string customerId, CancellationToken cancellationToken);

    /// <summary>The product's subscriptions.</summary>
    Task<IReadOnlyList<Subscription>> SelectSubscriptionsByProductAsync(string productId, CancellationToken cancellationToken);

    /// <summary>Live subscriptions (of the product, when given).</summary>
    Task<IReadOnlyList<Subscription>> SelectLiveSubscriptionsAsync(string? productId, CancellationToken cancellationToken);

    /// <summary>Live subscriptions whose period ends before <paramref name="cutoff"/>, by period end then id.</summary>
    Task<IReadOnlyList<Subscription>> SelectLiveSubscriptionsEndingBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);

    /// <summary>Sets the status (and, for cancelled, cancelled_at = <paramref name="now"/> unless already set) and
    /// updated_at; false when there is no such subscription.</summary>
    Task<bool> SetSubscriptionStatusAsync(string id, SubscriptionStatus status, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>In one conditional step moves the period (when <paramref name="expectedCurrentEnd"/> is given, only if
    /// the current period still ends then): Done, Missing, or PeriodMoved.</summary>
    Task<SubscriptionWrite> MoveSubscriptionPeriodAsync(string id, DateTimeOffset start, DateTimeOffset end, DateTimeOffset? expectedCurrentEnd,
        DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>The outcome of a subscription write.</summary>
internal enum SubscriptionWrite
{
    /// <summary>Written.</summary>
    Done,
    /// <summary>No such subscription.</summary>
    Missing,
    /// <summary>The id is taken.</summary>
    IdTaken,
    /// <summary>Another subscription of the tenant has the Stripe subscription id.</summary>
    StripeIdTaken,
    /// <summary>The current period no longer ends at the expected time.</summary>
    PeriodMoved,
}
