using Cedros.Storage.FrontDoor.Drivers;

namespace Cedros.Storage.InMemory;

internal sealed partial class InMemoryStore : IIdempotencyDriver
{
    public Task UpsertIdempotencyResponseAsync(string key, IdempotencyResponse response, DateTimeOffset now, DateTimeOffset expiresAt,
        CancellationToken cancellationToken) =>
        RunAsync(tables =>
        {
            var fingerprint = LiveIdempotencyRecord(tables, key, now)?.Fingerprint ?? "";
            tables.IdempotencyKeys = tables.IdempotencyKeys.SetItem(Key(key), new IdempotencyRecord(fingerprint, null, null, response, expiresAt));
        }, cancellationToken);

    public Task<IdempotencyResponse?> FindIdempotencyResponseAsync(string key, DateTimeOffset now, CancellationToken cancellationToken) =>
        RunAsync(tables => LiveIdempotencyRecord(tables, key, now)?.Response, cancellationToken);

    public Task DeleteIdempotencyRecordAsync(string key, CancellationToken cancellationToken) =>
        RunAsync(tables => { tables.IdempotencyKeys = tables.IdempotencyKeys.Remove(Key(key)); }, cancellationToken);

    public Task<int> DeleteLapsedIdempotencyRecordsAsync(DateTimeOffset now, int batchSize, CancellationToken cancellationToken) =>
        RunAsync(tables => Table.RemoveWhere(ref tables.IdempotencyKeys, r => !IsLive(r, now), batchSize), cancellationToken);

    public Task<IdempotencyClaim> ClaimIdempotencyKeyAsync(string key, string fingerprint, string token, DateTimeOffset now,
        DateTimeOffset lockedUntil, CancellationToken cancellationToken) =>
        RunAsync(tables =>
        {
            if (LiveIdempotencyRecord(tables, key, now) is { } live) return IdempotencyClaim.LiveRecord(live.Fingerprint, live.Response);
            tables.IdempotencyKeys = tables.IdempotencyKeys.SetItem(Key(key), new IdempotencyRecord(fingerprint, token, lockedUntil, null, null));
            return IdempotencyClaim.Done;
        }, cancellationToken);

    public Task<bool> CompleteHeldIdempotencyKeyAsync(string key, string token, IdempotencyResponse response, DateTimeOffset now,
        DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        RunAsync(tables =>
        {
            if (HeldIdempotencyRecord(tables, key, token, now) is not { } held) return false;
            tables.IdempotencyKeys = tables.IdempotencyKeys.SetItem(Key(key),
                held with { LockToken = null, LockedUntil = null, Response = response, ExpiresAt = expiresAt });
            return true;
        }, cancellationToken);

    public Task<bool> DeleteHeldIdempotencyKeyAsync(string key, string token, DateTimeOffset now, CancellationToken cancellationToken) =>
        RunAsync(tables =>
        {
            if (HeldIdempotencyRecord(tables, key, token, now) is null) return false;
            tables.IdempotencyKeys = tables.IdempotencyKeys.Remove(Key(key));
            return true;
        }, cancellationToken);

    /// <summary>The key's record unless its response expired or its lock lapsed: such a record is absent.</summary>
    private IdempotencyRecord? LiveIdempotencyRecord(InMemoryTables tables, string key, DateTimeOffset now) =>
        tables.IdempotencyKeys.GetValueOrDefault(Key(key)) is { } record && IsLive(record, now) ? record : null;

    /// <summary>The key's live in-progress record when <paramref name="token"/> holds its lock.</summary>
    private IdempotencyRecord? HeldIdempotencyRecord(InMemoryTables tables, string key, string token, DateTimeOffset now) =>
        LiveIdempotencyRecord(tables, key, now) is { Response: null } held && string.Equals(held.LockToken, token, StringComparison.Ordinal)
            ? held : null;

    private static bool IsLive(IdempotencyRecord record, DateTimeOffset now) =>
        record.Response is not null ? now < record.ExpiresAt : now < record.LockedUntil;
}
