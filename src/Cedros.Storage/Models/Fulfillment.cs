namespace Cedros.Storage;

/// <summary>One line of a fulfillment.</summary>
public sealed record FulfillmentItem
{
    /// <summary>Product shipped.</summary>
    public required string ProductId { get; init; }
    /// <summary>Variant, if any.</summary>
    public string? VariantId { get; init; }
    /// <summary>How many.</summary>
    public int Quantity { get; init; } = 1;
}

/// <summary>A shipment (or part of one) for an order.</summary>
public sealed record Fulfillment
{
    /// <summary>Fulfillment id.</summary>
    public required string Id { get; init; }
    /// <summary>Owner tenant.</summary>
    public string TenantId { get; init; } = TenantIds.Default;
    /// <summary>The order (must exist in the tenant).</summary>
    public required string OrderId { get; init; }
    /// <summary>Status.</summary>
    public FulfillmentStatus Status { get; init; } = FulfillmentStatus.Pending;
    /// <summary>Carrier.</summary>
    public string? Carrier { get; init; }
    /// <summary>Tracking number.</summary>
    public string? TrackingNumber { get; init; }
    /// <summary>Tracking URL.</summary>
    public string? TrackingUrl { get; init; }
    /// <summary>Lines.</summary>
    public IReadOnlyList<FulfillmentItem> Items { get; init; } = [];
    /// <summary>When shipped.</summary>
    public DateTimeOffset? ShippedAt { get; init; }
    /// <summary>When delivered.</summary>
    public DateTimeOffset? DeliveredAt { get; init; }
    /// <summary>Free-form metadata.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = EmptyMetadata.Instance;
    /// <summary>Creation time.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>Last update.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }
}

/// <summary>A status change for a fulfillment; null fields leave the stored value unchanged.</summary>
public sealed record FulfillmentStatusUpdate
{
    /// <summary>New status.</summary>
    public required FulfillmentStatus Status { get; init; }
    /// <summary>Shipped time, or null to keep.</summary>
    public DateTimeOffset? ShippedAt { get; init; }
    /// <summary>Delivered time, or null to keep.</summary>
    public DateTimeOffset? DeliveredAt { get; init; }
    /// <summary>Update time.</summary>
    public required DateTimeOffset UpdatedAt { get; init; }
    /// <summary>Tracking number, or null to keep.</summary>
    public string? TrackingNumber { get; init; }
    /// <summary>Tracking URL, or null to keep.</summary>
    public string? TrackingUrl { get; init; }
    /// <summary>Carrier, or null to keep.</summary>
    public string? Carrier { get; init; }
}
