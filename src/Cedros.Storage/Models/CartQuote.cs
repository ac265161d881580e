namespace Cedros.Storage;

/// <summary>One line of a cart quote.</summary>
public sealed record CartItem
{
    /// <summary>The product or resource bought.</summary>
    public required string ResourceId { get; init; }
    /// <summary>How many (≥ 1).</summary>
    public int Quantity { get; init; } = 1;
    /// <summary>Unit price in atomic units.</summary>
    public long Price { get; init; }
    /// <summary>Asset of <see cref="Price"/>.</summary>
    public string Asset { get; init; } = "";
    /// <summary>Free-form metadata.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = EmptyMetadata.Instance;
}

/// <summary>A priced cart, valid until <see cref="ExpiresAt"/>; paid when <see cref="WalletPaidBy"/> is set.</summary>
public sealed record CartQuote
{
    /// <summary>Cart id (1–255 chars).</summary>
    public required string Id { get; init; }
    /// <summary>Owner tenant; always overwritten by the handle's tenant on write.</summary>
    public string TenantId { get; init; } = TenantIds.Default;
    /// <summary>The lines.</summary>
    public IReadOnlyList<CartItem> Items { get; init; } = [];
    /// <summary>Total in atomic units.</summary>
    public long TotalAmount { get; init; }
    /// <summary>Asset of the total.</summary>
    public string TotalAsset { get; init; } = "";
    /// <summary>Free-form metadata.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = EmptyMetadata.Instance;
    /// <summary>When the quote was made.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>When the quote stops being payable.</summary>
    public DateTimeOffset ExpiresAt { get; init; }
    /// <summary>The wallet that paid, or null while unpaid. A paid quote is immutable.</summary>
    public string? WalletPaidBy { get; init; }

    /// <summary>True when <paramref name="now"/> ≥ <see cref="ExpiresAt"/>.</summary>
    public bool IsExpired(DateTimeOffset now) => now >= ExpiresAt;
}
