using Cedros.Storage.Internal;
using Cedros.Storage.Validation;

namespace Cedros.Storage.FrontDoor;

internal sealed partial class TenantStore
{
    public Task SaveIdempotencyKeyAsync(string key, IdempotencyResponse response, TimeSpan ttl, CancellationToken cancellationToken = default) =>
        Call("SaveIdempotencyKey", "idempotency_keys", async ct =>
        {
            Check.Id(key, "idempotency key");
            Check.Ttl(ttl, "ttl");
            var now = Now;
            var prepared = Prepare.IdempotencyResponse(response, now);
            await Driver.UpsertIdempotencyResponseAsync(key, prepared, now, StorageTime.Micro(now + ttl), ct).ConfigureAwait(false);
        }, cancellationToken);

    public Task<IdempotencyResponse?> GetIdempotencyKeyAsync(string key, CancellationToken cancellationToken = default) =>
        Call("GetIdempotencyKey", "idempotency_keys",
            async ct => await Driver.FindIdempotencyResponseAsync(Check.Id(key, "idempotency key"), Now, ct).ConfigureAwait(false), cancellationToken);

    public Task DeleteIdempotencyKeyAsync(string key, CancellationToken cancellationToken = default) =>
        Call("DeleteIdempotencyKey", "idempotency_keys",
            async ct => await Driver.DeleteIdempotencyRecordAsync(Check.Id(key, "idempotency key"), ct).ConfigureAwait(false), cancellationToken);

    public Task<long> CleanupExpiredIdempotencyKeysAsync(CancellationToken cancellationToken = default) =>
        CleanupExpiredIdempotencyKeysAsync(null, cancellationToken);

    public Task<long> CleanupExpiredIdempotencyKeysAsync(IProgress<long>? progress, CancellationToken cancellationToken = default) =>
        Call("CleanupExpiredIdempotencyKeys", "idempotency_keys",
            ct => InBatchesAsync((size, innerCt) => Driver.DeleteLapsedIdempotencyRecordsAsync(Now, size, innerCt), ct, progress), cancellationToken);

    public Task<IdempotencyBeginResult> TryBeginIdempotentRequestAsync(string key, string requestFingerprint, TimeSpan lockTtl, CancellationToken cancellationToken = default) =>
        Call("TryBeginIdempotentRequest", "idempotency_keys", async ct =>
        {
            PrepareIdempotency.Begin(key, requestFingerprint, lockTtl);
            var token = Ids.NewToken();
            var now = Now;
            var claim = await Driver.ClaimIdempotencyKeyAsync(key, requestFingerprint, token, now, StorageTime.Micro(now + lockTtl), ct)
                .ConfigureAwait(false);
            if (claim.Claimed) return IdempotencyBeginResult.Started(token);
            // Not live either: it lapsed or was released each time it was looked at; someone else is on it.
            return claim.Live ? PrepareIdempotency.ForLive(claim.Fingerprint, claim.Response, requestFingerprint) : IdempotencyBeginResult.InProgress;
        }, cancellationToken);

    public Task CompleteIdempotentRequestAsync(string key, string lockToken, IdempotencyResponse response, TimeSpan ttl, CancellationToken cancellationToken = default) =>
        Call("CompleteIdempotentRequest", "idempotency_keys", async ct =>
        {
            var now = Now;
            var prepared = PrepareIdempotency.Complete(key, lockToken, response, ttl, now);
            if (!await Driver.CompleteHeldIdempotencyKeyAsync(key, lockToken, prepared, now, StorageTime.Micro(now + ttl), ct).ConfigureAwait(false))
                throw PrepareIdempotency.NotHeld(key);
        }, cancellationToken);

    public Task<bool> ReleaseIdempotentRequestAsync(string key, string lockToken, CancellationToken cancellationToken = default) =>
        Call("ReleaseIdempotentRequest", "idempotency_keys", async ct =>
        {
            PrepareIdempotency.Release(key, lockToken);
            return await Driver.DeleteHeldIdempotencyKeyAsync(key, lockToken, Now, ct).ConfigureAwait(false);
        }, cancellationToken);
}
