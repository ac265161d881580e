namespace Cedros.Storage;

/// <summary>Idempotency keys (contract §9). Keys are per tenant, 1–255 chars; an expired key is absent.</summary>
public interface IIdempotencyStore
{
    /// <summary>Stores a completed response for <paramref name="ttl"/> (overwrites).</summary>
    Task SaveIdempotencyKeyAsync(string key, IdempotencyResponse response, TimeSpan ttl, CancellationToken cancellationToken = default);

    /// <summary>The completed response, or null when missing, in progress or expired.</summary>
    Task<IdempotencyResponse?> GetIdempotencyKeyAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Removes the key (no error when missing).</summary>
    Task DeleteIdempotencyKeyAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Deletes expired keys and lapsed locks, across tenants; returns the count.</summary>
    Task<long> CleanupExpiredIdempotencyKeysAsync(CancellationToken cancellationToken = default);

    /// <summary>As the overload without progress; <paramref name="progress"/> receives the running total of rows after
    /// every batch (<c>storage.housekeeping_batch_size</c>) that changed some.</summary>
    Task<long> CleanupExpiredIdempotencyKeysAsync(IProgress<long>? progress, CancellationToken cancellationToken = default);

    /// <summary>Begins a request: exactly one concurrent caller gets Started.</summary>
    Task<IdempotencyBeginResult> TryBeginIdempotentRequestAsync(string key, string requestFingerprint, TimeSpan lockTtl,
        CancellationToken cancellationToken = default);

    /// <summary>Stores the response of a started request; a lost lock → Conflict, nothing stored.</summary>
    Task CompleteIdempotentRequestAsync(string key, string lockToken, IdempotencyResponse response, TimeSpan ttl,
        CancellationToken cancellationToken = default);

    /// <summary>Frees the key of a started request; returns false when the token no longer holds it.</summary>
    Task<bool> ReleaseIdempotentRequestAsync(string key, string lockToken, CancellationToken cancellationToken = default);
}
