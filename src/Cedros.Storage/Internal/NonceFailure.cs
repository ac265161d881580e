namespace Cedros.Storage.Internal;

/// <summary>
/// Why a nonce could not be consumed, decided the same way by every backend from the nonce as it was: NotFound,
/// AlreadyConsumed, Expired, WrongPurpose — the first that applies, in that order.
/// </summary>
internal static class NonceFailure
{
    /// <summary>The first reason that applies, or null when the nonce was consumable.</summary>
    public static NonceFailureReason? Classify(bool found, bool consumed, bool expired, bool purposeMatches) =>
        !found ? NonceFailureReason.NotFound
        : consumed ? NonceFailureReason.AlreadyConsumed
        : expired ? NonceFailureReason.Expired
        : !purposeMatches ? NonceFailureReason.WrongPurpose
        : null;

    /// <summary>True when no purpose is expected or the stored one equals it (ordinal).</summary>
    public static bool PurposeMatches(string? stored, string? expectedPurpose) =>
        expectedPurpose is null || string.Equals(stored, expectedPurpose, StringComparison.Ordinal);
}
