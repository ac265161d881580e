namespace Cedros.Storage;

/// <summary>A refund request against an earlier purchase.</summary>
public sealed record RefundQuote
{
    /// <summary>Refund id.</summary>
    public required string Id { get; init; }
    /// <summary>Owner tenant.</summary>
    public string TenantId { get; init; } = TenantIds.Default;
    /// <summary>The purchase (transaction signature or order) being refunded.</summary>
    public required string OriginalPurchaseId { get; init; }
    /// <summary>Where the money goes.</summary>
    public required string RecipientWallet { get; init; }
    /// <summary>Amount in atomic units.</summary>
    public long Amount { get; init; }
    /// <summary>Asset of <see cref="Amount"/>.</summary>
    public string AmountAsset { get; init; } = "";
    /// <summary>Token symbol.</summary>
    public string? Token { get; init; }
    /// <summary>Token mint address.</summary>
    public string? TokenMint { get; init; }
    /// <summary>Token decimals.</summary>
    public short TokenDecimals { get; init; }
    /// <summary>State.</summary>
    public RefundStatus Status { get; init; } = RefundStatus.Pending;
    /// <summary>Who paid it out.</summary>
    public string? ProcessedBy { get; init; }
    /// <summary>When it was paid out.</summary>
    public DateTimeOffset? ProcessedAt { get; init; }
    /// <summary>Payout transaction signature.</summary>
    public string? Signature { get; init; }
    /// <summary>Why the refund was asked for.</summary>
    public string? Reason { get; init; }
    /// <summary>Free-form metadata.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = EmptyMetadata.Instance;
    /// <summary>Creation time.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>When the quote stops being payable.</summary>
    public DateTimeOffset ExpiresAt { get; init; }

    /// <summary>True when <paramref name="now"/> ≥ <see cref="ExpiresAt"/>.</summary>
    public bool IsExpired(DateTimeOffset now) => now >= ExpiresAt;
}
