namespace Cedros.Storage;

/// <summary>A recurring purchase of a product by a wallet or Stripe customer.</summary>
public sealed record Subscription
{
    /// <summary>Subscription id.</summary>
    public required string Id { get; init; }
    /// <summary>Owner tenant.</summary>
    public string TenantId { get; init; } = TenantIds.Default;
    /// <summary>Product.</summary>
    public required string ProductId { get; init; }
    /// <summary>Subscriber wallet (crypto).</summary>
    public string? Wallet { get; init; }
    /// <summary>Stripe customer.</summary>
    public string? StripeCustomerId { get; init; }
    /// <summary>Stripe subscription; unique.</summary>
    public string? StripeSubscriptionId { get; init; }
    /// <summary>Payment method (<c>stripe</c>, <c>x402</c>).</summary>
    public string PaymentMethod { get; init; } = "";
    /// <summary>Billing period unit.</summary>
    public string BillingPeriod { get; init; } = "month";
    /// <summary>Periods per bill.</summary>
    public int BillingInterval { get; init; } = 1;
    /// <summary>Status.</summary>
    public SubscriptionStatus Status { get; init; } = SubscriptionStatus.Active;
    /// <summary>Current period start.</summary>
    public DateTimeOffset CurrentPeriodStart { get; init; }
    /// <summary>Current period end (exclusive).</summary>
    public DateTimeOffset CurrentPeriodEnd { get; init; }
    /// <summary>End of trial.</summary>
    public DateTimeOffset? TrialEnd { get; init; }
    /// <summary>When cancelled.</summary>
    public DateTimeOffset? CancelledAt { get; init; }
    /// <summary>Cancel when the period ends.</summary>
    public bool CancelAtPeriodEnd { get; init; }
    /// <summary>Free-form metadata.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = EmptyMetadata.Instance;
    /// <summary>Creation time.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>Last update.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}
