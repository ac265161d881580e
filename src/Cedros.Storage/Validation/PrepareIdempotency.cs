namespace Cedros.Storage.Validation;

/// <summary>
/// What every backend does around the idempotency-key lock apart from the storage itself: the argument checks of
/// begin/complete/release, the outcome for a key that is already live, and the error for a lock no longer held.
/// </summary>
internal static class PrepareIdempotency
{
    /// <summary>Checks the arguments of <c>TryBeginIdempotentRequestAsync</c>.</summary>
    public static void Begin(string key, string requestFingerprint, TimeSpan lockTtl)
    {
        Check.Id(key, "idempotency key");
        Check.Required(requestFingerprint, "request fingerprint");
        Check.Lease(lockTtl, "lock ttl");
    }

    /// <summary>Checks the arguments of <c>CompleteIdempotentRequestAsync</c>; returns the prepared response.</summary>
    public static IdempotencyResponse Complete(string key, string lockToken, IdempotencyResponse response, TimeSpan ttl, DateTimeOffset now)
    {
        Release(key, lockToken);
        Check.Ttl(ttl, "ttl");
        return Prepare.IdempotencyResponse(response, now);
    }

    /// <summary>Checks the arguments of <c>ReleaseIdempotentRequestAsync</c>.</summary>
    public static void Release(string key, string lockToken)
    {
        Check.Id(key, "idempotency key");
        Check.Id(lockToken, "lock token");
    }

    /// <summary>
    /// The outcome for a request whose key is live: FingerprintMismatch when the stored fingerprint (empty = unknown)
    /// differs, else Completed with the cached response, else InProgress.
    /// </summary>
    public static IdempotencyBeginResult ForLive(string storedFingerprint, IdempotencyResponse? response, string requestFingerprint)
    {
        if (storedFingerprint.Length > 0 && !string.Equals(storedFingerprint, requestFingerprint, StringComparison.Ordinal))
            return IdempotencyBeginResult.FingerprintMismatch;
        return response is { } cached ? IdempotencyBeginResult.Completed(cached) : IdempotencyBeginResult.InProgress;
    }

    /// <summary>The Conflict raised when completing a key whose lock this request no longer holds.</summary>
    public static StorageConflictException NotHeld(string key) => new($"idempotency key '{key}' is no longer held by this request.");
}
