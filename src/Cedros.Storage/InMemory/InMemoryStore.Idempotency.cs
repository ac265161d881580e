namespace Cedros.Storage.InMemory;

internal sealed partial class InMemoryStore
{
    public Task SaveIdempotencyKeyAsync(string key, IdempotencyResponse response, TimeSpan ttl, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<IdempotencyResponse?> GetIdempotencyKeyAsync(string key, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task DeleteIdempotencyKeyAsync(string key, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<long> CleanupExpiredIdempotencyKeysAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<IdempotencyBeginResult> TryBeginIdempotentRequestAsync(string key, string requestFingerprint, TimeSpan lockTtl, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task CompleteIdempotentRequestAsync(string key, string lockToken, IdempotencyResponse response, TimeSpan ttl, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<bool> ReleaseIdempotentRequestAsync(string key, string lockToken, CancellationToken cancellationToken) => throw new NotImplementedException();
}
