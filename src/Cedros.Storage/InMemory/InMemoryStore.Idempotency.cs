using Cedros.Storage.Internal;
using Cedros.Storage.Validation;

namespace Cedros.Storage.InMemory;

internal sealed partial class InMemoryStore
{
    public Task SaveIdempotencyKeyAsync(string key, IdempotencyResponse response, TimeSpan ttl, CancellationToken cancellationToken)
    {
        Check.Id(key, "idempotency key");
        Check.Ttl(ttl, "ttl");
        var prepared = Prepare.IdempotencyResponse(response, Now);
        return RunAsync(tables =>
        {
            var now = Now;
            // A live record keeps its request fingerprint; a response saved without one matches any request.
            var fingerprint = LiveIdempotencyRecord(tables, key, now)?.Fingerprint ?? "";
            tables.IdempotencyKeys = tables.IdempotencyKeys.SetItem(Key(key),
                new IdempotencyRecord(fingerprint, null, null, prepared, now + ttl));
        }, cancellationToken);
    }

    public Task<IdempotencyResponse?> GetIdempotencyKeyAsync(string key, CancellationToken cancellationToken)
    {
        Check.Id(key, "idempotency key");
        return RunAsync(tables => LiveIdempotencyRecord(tables, key, Now)?.Response, cancellationToken);
    }

    public Task DeleteIdempotencyKeyAsync(string key, CancellationToken cancellationToken)
    {
        Check.Id(key, "idempotency key");
        return RunAsync(tables => { tables.IdempotencyKeys = tables.IdempotencyKeys.Remove(Key(key)); }, cancellationToken);
    }

    public Task<long> CleanupExpiredIdempotencyKeysAsync(CancellationToken cancellationToken) =>
        RunInBatchesAsync((tables, batchSize) =>
        {
            var now = Now;
            var batch = tables.IdempotencyKeys.Where(p => !IsLive(p.Value, now)).Select(p => p.Key).Take(batchSize).ToArray();
            tables.IdempotencyKeys = tables.IdempotencyKeys.RemoveRange(batch);
            return batch.Length;
        }, cancellationToken);

    public Task<IdempotencyBeginResult> TryBeginIdempotentRequestAsync(string key, string requestFingerprint, TimeSpan lockTtl, CancellationToken cancellationToken)
    {
        PrepareIdempotency.Begin(key, requestFingerprint, lockTtl);
        return RunAsync(tables =>
        {
            var now = Now;
            if (LiveIdempotencyRecord(tables, key, now) is { } live)
            {
                return PrepareIdempotency.ForLive(live.Fingerprint, live.Response, requestFingerprint);
            }
            var token = Ids.NewToken();
            tables.IdempotencyKeys = tables.IdempotencyKeys.SetItem(Key(key),
                new IdempotencyRecord(requestFingerprint, token, now + lockTtl, null, null));
            return IdempotencyBeginResult.Started(token);
        }, cancellationToken);
    }

    public Task CompleteIdempotentRequestAsync(string key, string lockToken, IdempotencyResponse response, TimeSpan ttl, CancellationToken cancellationToken)
    {
        var prepared = PrepareIdempotency.Complete(key, lockToken, response, ttl, Now);
        return RunAsync(tables =>
        {
            var now = Now;
            if (LiveIdempotencyRecord(tables, key, now) is not { Response: null } held || !string.Equals(held.LockToken, lockToken, StringComparison.Ordinal))
                throw PrepareIdempotency.NotHeld(key);
            tables.IdempotencyKeys = tables.IdempotencyKeys.SetItem(Key(key),
                held with { LockToken = null, LockedUntil = null, Response = prepared, ExpiresAt = now + ttl });
        }, cancellationToken);
    }

    public Task<bool> ReleaseIdempotentRequestAsync(string key, string lockToken, CancellationToken cancellationToken)
    {
        PrepareIdempotency.Release(key, lockToken);
        return RunAsync(tables =>
        {
            if (LiveIdempotencyRecord(tables, key, Now) is not { Response: null } held || !string.Equals(held.LockToken, lockToken, StringComparison.Ordinal))
                return false;
            tables.IdempotencyKeys = tables.IdempotencyKeys.Remove(Key(key));
            return true;
        }, cancellationToken);
    }

    /// <summary>The key's record unless its response expired or its lock lapsed: such a record is absent.</summary>
    private IdempotencyRecord? LiveIdempotencyRecord(InMemoryTables tables, string key, DateTimeOffset now) =>
        tables.IdempotencyKeys.GetValueOrDefault(Key(key)) is { } record && IsLive(record, now) ? record : null;

    private static bool IsLive(IdempotencyRecord record, DateTimeOffset now) =>
        record.Response is not null ? now < record.ExpiresAt : now < record.LockedUntil;
}
