namespace Cedros.Storage;

/// <summary>A verified payment, keyed globally by its on-chain (or Stripe) signature.</summary>
public sealed record PaymentTransaction
{
    /// <summary>The signature; pays once, whichever tenant presents it.</summary>
    public required string Signature { get; init; }
    /// <summary>Owner tenant.</summary>
    public string TenantId { get; init; } = TenantIds.Default;
    /// <summary>Resource paid for.</summary>
    public required string ResourceId { get; init; }
    /// <summary>Payer wallet.</summary>
    public string Wallet { get; init; } = "";
    /// <summary>Amount in atomic units.</summary>
    public long Amount { get; init; }
    /// <summary>Asset of <see cref="Amount"/>.</summary>
    public string AmountAsset { get; init; } = "";
    /// <summary>When recorded.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>Free-form metadata.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = EmptyMetadata.Instance;
    /// <summary>
    /// The caller's id for this recording attempt (beyond the seed), kept with the payment. When a call's outcome is
    /// unknown (the connection was lost during commit) the caller retries with the same id: finding its own earlier
    /// attempt recorded is success, not a replay. A signature recorded under another id, or none, is still a replay.
    /// Null (the default): every existing signature is a replay.
    /// </summary>
    public string? AttemptId { get; init; }
}
