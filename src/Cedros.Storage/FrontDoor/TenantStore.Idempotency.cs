namespace Cedros.Storage.FrontDoor;

internal sealed partial class TenantStore
{
    public Task SaveIdempotencyKeyAsync(string key, IdempotencyResponse response, TimeSpan ttl, CancellationToken cancellationToken = default) =>
        Call("SaveIdempotencyKey", "idempotency_keys", ct => Driver.SaveIdempotencyKeyAsync(key, response, ttl, ct), cancellationToken);

    public Task<IdempotencyResponse?> GetIdempotencyKeyAsync(string key, CancellationToken cancellationToken = default) =>
        Call("GetIdempotencyKey", "idempotency_keys", ct => Driver.GetIdempotencyKeyAsync(key, ct), cancellationToken);

    public Task DeleteIdempotencyKeyAsync(string key, CancellationToken cancellationToken = default) =>
        Call("DeleteIdempotencyKey", "idempotency_keys", ct => Driver.DeleteIdempotencyKeyAsync(key, ct), cancellationToken);

    public Task<long> CleanupExpiredIdempotencyKeysAsync(CancellationToken cancellationToken = default) =>
        Call("CleanupExpiredIdempotencyKeys", "idempotency_keys", ct => Driver.CleanupExpiredIdempotencyKeysAsync(ct), cancellationToken);

    public Task<IdempotencyBeginResult> TryBeginIdempotentRequestAsync(string key, string requestFingerprint, TimeSpan lockTtl, CancellationToken cancellationToken = default) =>
        Call("TryBeginIdempotentRequest", "idempotency_keys", ct => Driver.TryBeginIdempotentRequestAsync(key, requestFingerprint, lockTtl, ct), cancellationToken);

    public Task CompleteIdempotentRequestAsync(string key, string lockToken, IdempotencyResponse response, TimeSpan ttl, CancellationToken cancellationToken = default) =>
        Call("CompleteIdempotentRequest", "idempotency_keys", ct => Driver.CompleteIdempotentRequestAsync(key, lockToken, response, ttl, ct), cancellationToken);

    public Task<bool> ReleaseIdempotentRequestAsync(string key, string lockToken, CancellationToken cancellationToken = default) =>
        Call("ReleaseIdempotentRequest", "idempotency_keys", ct => Driver.ReleaseIdempotentRequestAsync(key, lockToken, ct), cancellationToken);
}
