namespace Cedros.Storage;

/// <summary>A one-time token authorising one admin action (<see cref="Purpose"/>).</summary>
public sealed record AdminNonce
{
    /// <summary>Nonce id.</summary>
    public required string Id { get; init; }
    /// <summary>Owner tenant.</summary>
    public string TenantId { get; init; } = TenantIds.Default;
    /// <summary>The action it authorises, e.g. <c>approve-refund</c>.</summary>
    public required string Purpose { get; init; }
    /// <summary>Creation time.</summary>
    public DateTimeOffset CreatedAt { get; init; }
    /// <summary>Expiry; must be after <see cref="CreatedAt"/>.</summary>
    public DateTimeOffset ExpiresAt { get; init; }
    /// <summary>When it was used, or null.</summary>
    public DateTimeOffset? ConsumedAt { get; init; }
}

/// <summary>Why a nonce could not be consumed.</summary>
public enum NonceFailureReason
{
    /// <summary>No such nonce in the tenant.</summary>
    NotFound,
    /// <summary>Used before.</summary>
    AlreadyConsumed,
    /// <summary>now ≥ expires_at.</summary>
    Expired,
    /// <summary>Issued for another action; not consumed by this attempt.</summary>
    WrongPurpose,
}
