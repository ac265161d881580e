namespace Cedros.Storage;

/// <summary>One-time admin nonces (contract §7).</summary>
public interface IAdminNonceStore
{
    /// <summary>Creates a nonce; duplicate id → Conflict; expiry must be after creation.</summary>
    Task CreateNonceAsync(AdminNonce nonce, CancellationToken cancellationToken = default);

    /// <summary>Consumes the nonce once. Failure → <see cref="NonceException"/> (NotFound, AlreadyConsumed, Expired).</summary>
    Task ConsumeNonceAsync(string nonceId, CancellationToken cancellationToken = default);

    /// <summary>Consumes the nonce once if it was issued for <paramref name="expectedPurpose"/>; a wrong purpose does
    /// not consume it (<see cref="NonceFailureReason.WrongPurpose"/>).</summary>
    Task ConsumeNonceAsync(string nonceId, string expectedPurpose, CancellationToken cancellationToken = default);

    /// <summary>Deletes nonces with expires_at ≤ now, across tenants; returns the count.</summary>
    Task<long> CleanupExpiredNoncesAsync(CancellationToken cancellationToken = default);

    /// <summary>As the overload without progress; <paramref name="progress"/> receives the running total of rows after
    /// every batch (<c>storage.housekeeping_batch_size</c>) that changed some.</summary>
    Task<long> CleanupExpiredNoncesAsync(IProgress<long>? progress, CancellationToken cancellationToken = default);
}
