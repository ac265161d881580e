using Cedros.Storage.Internal;

namespace Cedros.Storage.FrontDoor.Drivers;

/// <summary>Admin nonces, database side (contract §7). Values arrive prepared (checked, normalised, tenant stamped).</summary>
internal interface INonceDriver
{
    /// <summary>Inserts the nonce; false when this tenant already has one with its id.</summary>
    Task<bool> InsertNonceAsync(AdminNonce nonce, CancellationToken cancellationToken);

    /// <summary>
    /// In one atomic step, sets <c>consumed_at = now</c> when the nonce exists, is unconsumed, expires after
    /// <paramref name="now"/> and has <paramref name="expectedPurpose"/> (null: any purpose). When nothing changed,
    /// reports the row as it was (or that there was none) so the front door can say why.
    /// </summary>
    Task<NonceConsumption> ConsumeNonceAsync(string nonceId, string? expectedPurpose, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes up to <paramref name="batchSize"/> nonces (any tenant) that expire at or before
    /// <paramref name="now"/>, in one atomic step; returns how many.</summary>
    Task<int> DeleteExpiredNoncesAsync(DateTimeOffset now, int batchSize, CancellationToken cancellationToken);
}

/// <summary>The outcome of <see cref="INonceDriver.ConsumeNonceAsync"/>: consumed, or the row as it was.</summary>
internal readonly record struct NonceConsumption(bool Consumed, bool Found, bool WasConsumed, DateTimeOffset? ExpiresAt, string? Purpose)
{
    public static NonceConsumption Done => new(true, true, false, null, null);
    public static NonceConsumption Missing => new(false, false, false, null, null);

    /// <summary>Why the row as read could not be consumed at <paramref name="now"/>, or null when it could.</summary>
    public NonceFailureReason? Reason(string? expectedPurpose, DateTimeOffset now) =>
        NonceFailure.Classify(Found, WasConsumed, ExpiresAt is { } expires && now >= expires, NonceFailure.PurposeMatches(Purpose, expectedPurpose));
}
