namespace Cedros.Storage;

/// <summary>Subscription settings of a product.</summary>
public sealed record ProductSubscriptionConfig
{
    /// <summary>Billing period unit: <c>day</c>, <c>week</c>, <c>month</c> or <c>year</c>.</summary>
    public string BillingPeriod { get; init; } = "month";
    /// <summary>Number of periods per bill.</summary>
    public int BillingInterval { get; init; } = 1;
    /// <summary>Free trial length in days.</summary>
    public int TrialDays { get; init; }
}

/// <summary>A product of the catalogue.</summary>
public sealed record Product
{
    /// <summary>Product id.</summary>
    public required string Id { get; init; }
    /// <summary>Owner tenant.</summary>
    public string TenantId { get; init; } = TenantIds.Default;
    /// <summary>Description.</summary>
    public string Description { get; init; } = "";
    /// <summary>Card price in cents.</summary>
    public long? FiatAmount { get; init; }
    /// <summary>Card currency.</summary>
    public string? FiatCurrency { get; init; }
    /// <summary>Stripe price id.</summary>
    public string? StripePriceId { get; init; }
    /// <summary>Crypto price in atomic units.</summary>
    public long? CryptoAmount { get; init; }
    /// <summary>Crypto token.</summary>
    public string? CryptoToken { get; init; }
    /// <summary>Receiving account.</summary>
    public string? CryptoAccount { get; init; }
    /// <summary>Memo template.</summary>
    public string? MemoTemplate { get; init; }
    /// <summary>Free-form metadata.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = EmptyMetadata.Instance;
    /// <summary>False once soft-deleted.</summary>
    public bool Active { get; init; } = true;
    /// <summary>Subscription settings, or null for one-off products.</summary>
    public ProductSubscriptionConfig? SubscriptionConfig { get; init; }
    /// <summary>Creation time.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>Last update.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}
