namespace Cedros.Storage;

/// <summary>A discount code. Codes are unique per tenant and looked up case-insensitively.</summary>
public sealed record Coupon
{
    /// <summary>Code: 1–64 chars of <c>[A-Za-z0-9_.-]</c>, stored as given.</summary>
    public required string Code { get; init; }
    /// <summary>Owner tenant.</summary>
    public string TenantId { get; init; } = TenantIds.Default;
    /// <summary>Percentage or fixed.</summary>
    public CouponDiscountType DiscountType { get; init; } = CouponDiscountType.Percentage;
    /// <summary>Percent or amount.</summary>
    public double DiscountValue { get; init; }
    /// <summary>Currency of a fixed discount.</summary>
    public string? Currency { get; init; }
    /// <summary>All products or specific ones.</summary>
    public CouponScope Scope { get; init; } = CouponScope.All;
    /// <summary>Products when <see cref="Scope"/> is specific.</summary>
    public IReadOnlyList<string> ProductIds { get; init; } = [];
    /// <summary>Payment method it is limited to (<c>stripe</c>, <c>x402</c>), or empty for any.</summary>
    public string PaymentMethod { get; init; } = "";
    /// <summary>Applied without the shopper typing it.</summary>
    public bool AutoApply { get; init; }
    /// <summary>Where it applies (e.g. <c>catalog</c>, <c>checkout</c>).</summary>
    public string? AppliesAt { get; init; }
    /// <summary>Maximum uses, or null for unlimited.</summary>
    public int? UsageLimit { get; init; }
    /// <summary>Uses so far.</summary>
    public int UsageCount { get; init; }
    /// <summary>Start, or null.</summary>
    public DateTimeOffset? StartsAt { get; init; }
    /// <summary>Expiry, or null.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }
    /// <summary>False once soft-deleted.</summary>
    public bool Active { get; init; } = true;
    /// <summary>Free-form metadata.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = EmptyMetadata.Instance;
    /// <summary>Creation time.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>Last update.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}
