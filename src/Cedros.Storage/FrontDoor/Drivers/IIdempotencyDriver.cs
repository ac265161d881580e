namespace Cedros.Storage.FrontDoor.Drivers;

/// <summary>
/// Idempotency keys, database side (contract §9). Keys and tokens arrive checked, responses prepared, times computed
/// (<c>now</c>, expiries). A record is live while its response has not expired, or while its lock has not lapsed.
/// </summary>
internal interface IIdempotencyDriver
{
    /// <summary>Upserts a completed response expiring at <paramref name="expiresAt"/>, in one atomic step; the request
    /// fingerprint of a record live at <paramref name="now"/> is kept, otherwise it becomes empty (matches any request).</summary>
    Task UpsertIdempotencyResponseAsync(string key, IdempotencyResponse response, DateTimeOffset now, DateTimeOffset expiresAt,
        CancellationToken cancellationToken);

    /// <summary>The completed response of the key live at <paramref name="now"/>, or null.</summary>
    Task<IdempotencyResponse?> FindIdempotencyResponseAsync(string key, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes the key's record, if any.</summary>
    Task DeleteIdempotencyRecordAsync(string key, CancellationToken cancellationToken);

    /// <summary>Deletes up to <paramref name="batchSize"/> records (any tenant) not live at <paramref name="now"/>, in one
    /// atomic step; returns how many.</summary>
    Task<int> DeleteLapsedIdempotencyRecordsAsync(DateTimeOffset now, int batchSize, CancellationToken cancellationToken);

    /// <summary>In one atomic step, locks the key for <paramref name="token"/> until <paramref name="lockedUntil"/> when
    /// no record is live at <paramref name="now"/>; otherwise reports the live record.</summary>
    Task<IdempotencyClaim> ClaimIdempotencyKeyAsync(string key, string fingerprint, string token, DateTimeOffset now, DateTimeOffset lockedUntil,
        CancellationToken cancellationToken);

    /// <summary>Stores the response (expiring at <paramref name="expiresAt"/>) and drops the lock when
    /// <paramref name="token"/> still holds the key at <paramref name="now"/>, in one atomic step; false otherwise.</summary>
    Task<bool> CompleteHeldIdempotencyKeyAsync(string key, string token, IdempotencyResponse response, DateTimeOffset now,
        DateTimeOffset expiresAt, CancellationToken cancellationToken);

    /// <summary>Deletes the record when <paramref name="token"/> still holds the key at <paramref name="now"/>; false otherwise.</summary>
    Task<bool> DeleteHeldIdempotencyKeyAsync(string key, string token, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>The outcome of <see cref="IIdempotencyDriver.ClaimIdempotencyKeyAsync"/>: claimed, or the live record
/// (its fingerprint, empty when unknown, and its response when completed), or neither (it kept changing).</summary>
internal readonly record struct IdempotencyClaim(bool Claimed, bool Live, string Fingerprint, IdempotencyResponse? Response)
{
    public static IdempotencyClaim Done => new(true, false, "", null);
    public static IdempotencyClaim LiveRecord(string fingerprint, IdempotencyResponse? response) => new(false, true, fingerprint, response);
}
