namespace Cedros.Storage;

/// <summary>One line of an order.</summary>
public sealed record OrderItem
{
    /// <summary>Product bought.</summary>
    public required string ProductId { get; init; }
    /// <summary>Variant, if any.</summary>
    public string? VariantId { get; init; }
    /// <summary>How many.</summary>
    public int Quantity { get; init; } = 1;
    /// <summary>Display name.</summary>
    public string? Name { get; init; }
    /// <summary>Unit price in atomic units.</summary>
    public long UnitPrice { get; init; }
    /// <summary>Asset of the unit price.</summary>
    public string? Asset { get; init; }
    /// <summary>Free-form metadata.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = EmptyMetadata.Instance;
}

/// <summary>An order, unique per (tenant, source, purchase id).</summary>
public sealed record Order
{
    /// <summary>Order id.</summary>
    public required string Id { get; init; }
    /// <summary>Owner tenant.</summary>
    public string TenantId { get; init; } = TenantIds.Default;
    /// <summary>Where the purchase came from (e.g. <c>stripe</c>, <c>x402</c>).</summary>
    public required string Source { get; init; }
    /// <summary>The source's purchase id (session id, signature).</summary>
    public required string PurchaseId { get; init; }
    /// <summary>Resource or cart bought.</summary>
    public required string ResourceId { get; init; }
    /// <summary>User id, if known.</summary>
    public string? UserId { get; init; }
    /// <summary>Customer (wallet or Stripe customer).</summary>
    public string? Customer { get; init; }
    /// <summary>Status.</summary>
    public OrderStatus Status { get; init; } = OrderStatus.Created;
    /// <summary>Lines.</summary>
    public IReadOnlyList<OrderItem> Items { get; init; } = [];
    /// <summary>Amount in atomic units.</summary>
    public long Amount { get; init; }
    /// <summary>Asset of <see cref="Amount"/>.</summary>
    public required string AmountAsset { get; init; }
    /// <summary>Customer e-mail.</summary>
    public string? CustomerEmail { get; init; }
    /// <summary>Shipping details as a flat JSON object (name, address lines, city, country, …), or null.</summary>
    public IReadOnlyDictionary<string, string>? Shipping { get; init; }
    /// <summary>Free-form metadata.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = EmptyMetadata.Instance;
    /// <summary>Creation time.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>Last update.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }
    /// <summary>When the status last changed.</summary>
    public DateTimeOffset? StatusUpdatedAt { get; init; }
}

/// <summary>One recorded status transition of an order.</summary>
public sealed record OrderHistoryEntry
{
    /// <summary>Entry id.</summary>
    public required string Id { get; init; }
    /// <summary>Owner tenant.</summary>
    public string TenantId { get; init; } = TenantIds.Default;
    /// <summary>The order.</summary>
    public required string OrderId { get; init; }
    /// <summary>Status before.</summary>
    public OrderStatus FromStatus { get; init; }
    /// <summary>Status after.</summary>
    public OrderStatus ToStatus { get; init; }
    /// <summary>Free text.</summary>
    public string? Note { get; init; }
    /// <summary>Who made the change.</summary>
    public string? Actor { get; init; }
    /// <summary>When.</summary>
    public DateTimeOffset CreatedAt { get; init; }
}

/// <summary>A page of orders and the total number of matches.</summary>
/// <param name="Items">The page.</param>
/// <param name="Total">All matches, ignoring limit and offset.</param>
public sealed record OrderPage(IReadOnlyList<Order> Items, long Total);
