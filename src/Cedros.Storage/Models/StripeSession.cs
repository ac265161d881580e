namespace Cedros.Storage;

/// <summary>A Stripe checkout session.</summary>
public sealed record StripeSession
{
    /// <summary>Stripe session id.</summary>
    public required string Id { get; init; }
    /// <summary>Owner tenant.</summary>
    public string TenantId { get; init; } = TenantIds.Default;
    /// <summary>Resource bought.</summary>
    public required string ResourceId { get; init; }
    /// <summary>State.</summary>
    public StripeSessionStatus Status { get; init; } = StripeSessionStatus.Pending;
    /// <summary>Amount in cents.</summary>
    public long AmountCents { get; init; }
    /// <summary>Currency code.</summary>
    public string Currency { get; init; } = "";
    /// <summary>Customer e-mail.</summary>
    public string? CustomerEmail { get; init; }
    /// <summary>Free-form metadata.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = EmptyMetadata.Instance;
    /// <summary>Creation time.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>When completed.</summary>
    public DateTimeOffset? CompletedAt { get; init; }
}
