using Cedros.Storage.FrontDoor.Drivers;

namespace Cedros.Storage.InMemory;

internal sealed partial class InMemoryStore : IIdempotencyDriver
{
    public Task UpsertIdempotencyResponseAsync(string key, IdempotencyResponse response, DateTimeOffset now, DateTimeOffset expiresAt,
        CancellationToken cancellationToken) =>
        RunAsync(t => t.IdempotencyKeys = t.IdempotencyKeys.SetItem(Key(key),
            new IdempotencyRecord(LiveIdempotencyRecord(t, key, now)?.Fingerprint ?? "", null, response, expiresAt)), cancellationToken);

    public Task<IdempotencyResponse?> FindIdempotencyResponseAsync(string key, DateTimeOffset now, CancellationToken cancellationToken) =>
        RunAsync(t => LiveIdempotencyRecord(t, key, now)?.Response, cancellationToken);

    public Task DeleteIdempotencyRecordAsync(string key, CancellationToken cancellationToken) =>
        RunAsync(t => t.IdempotencyKeys = t.IdempotencyKeys.Remove(Key(key)), cancellationToken);

    public Task<int> DeleteLapsedIdempotencyRecordsAsync(DateTimeOffset now, int batchSize, CancellationToken cancellationToken) =>
        RunAsync(t => Table.RemoveWhere(ref t.IdempotencyKeys, r => r.Until <= now, batchSize), cancellationToken);

    public Task<IdempotencyClaim> ClaimIdempotencyKeyAsync(string key, string fingerprint, string token, DateTimeOffset now,
        DateTimeOffset lockedUntil, CancellationToken cancellationToken) =>
        RunAsync(t =>
        {
            if (LiveIdempotencyRecord(t, key, now) is { } live) return IdempotencyClaim.LiveRecord(live.Fingerprint, live.Response);
            t.IdempotencyKeys = t.IdempotencyKeys.SetItem(Key(key), new IdempotencyRecord(fingerprint, token, null, lockedUntil));
            return IdempotencyClaim.Done;
        }, cancellationToken);

    public Task<bool> CompleteHeldIdempotencyKeyAsync(string key, string token, IdempotencyResponse response, DateTimeOffset now,
        DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        RunAsync(t => Table.ChangeIf(ref t.IdempotencyKeys, Key(key), r => IsHeld(r, token, now),
            r => r with { LockToken = null, Response = response, Until = expiresAt }, false, _ => false, _ => true), cancellationToken);

    public Task<bool> DeleteHeldIdempotencyKeyAsync(string key, string token, DateTimeOffset now, CancellationToken cancellationToken) =>
        RunAsync(t => Table.RemoveIf(ref t.IdempotencyKeys, Key(key), r => IsHeld(r, token, now)), cancellationToken);

    /// <summary>The key's record unless its response expired or its lock lapsed: such a record is absent.</summary>
    private IdempotencyRecord? LiveIdempotencyRecord(InMemoryTables t, string key, DateTimeOffset now) =>
        t.IdempotencyKeys.GetValueOrDefault(Key(key)) is { } record && now < record.Until ? record : null;

    /// <summary>A live in-progress record whose lock <paramref name="token"/> holds.</summary>
    private static bool IsHeld(IdempotencyRecord record, string token, DateTimeOffset now) =>
        now < record.Until && record.Response is null && string.Equals(record.LockToken, token, StringComparison.Ordinal);
}
