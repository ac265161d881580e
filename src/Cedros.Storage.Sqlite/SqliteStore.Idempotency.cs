using Cedros.Storage.Internal;
using Cedros.Storage.Validation;
using Microsoft.Data.Sqlite;
using static Cedros.Storage.Sqlite.SqliteRow;

namespace Cedros.Storage.Sqlite;

internal sealed partial class SqliteStore
{
    private const string IdempotencyColumns = "fingerprint, lock_token, locked_until, status_code, headers, body, cached_at, expires_at";

    /// <summary>A live row: a completed response before its expiry, or an in-progress lock before its lease ends.</summary>
    private const string IdempotencyLive =
        "((status_code IS NOT NULL AND expires_at > @now) OR (status_code IS NULL AND locked_until > @now))";

    private sealed record IdempotencyRow(string Fingerprint, string? LockToken, IdempotencyResponse? Response);

    private static IdempotencyRow ReadIdempotency(SqliteDataReader r) => new(
        r.Str(0),
        r.StrOrNull(1),
        r.IsDBNull(3) ? null : new IdempotencyResponse
        {
            StatusCode = r.Int(3),
            Headers = r.Metadata(4),
            Body = r.Blob(5),
            CachedAt = r.Time(6),
        });

    private IdempotencyRow? LiveIdempotency(SqliteSession s, string key, DateTimeOffset now) => s.One($"""
        SELECT {IdempotencyColumns} FROM {Tables.IdempotencyKeys.Quoted}
        WHERE tenant_id = @tenant AND key = @key AND {IdempotencyLive}
        """, ReadIdempotency, Tenant, ("@key", key), ("@now", now));

    private string UpsertIdempotencySql => $"""
        INSERT INTO {Tables.IdempotencyKeys.Quoted} (tenant_id, key, {IdempotencyColumns})
        VALUES (@tenant, @key, @fingerprint, @lock_token, @locked_until, @status_code, @headers, @body, @cached_at, @expires_at)
        ON CONFLICT (tenant_id, key) DO UPDATE SET
            fingerprint = excluded.fingerprint, lock_token = excluded.lock_token, locked_until = excluded.locked_until,
            status_code = excluded.status_code, headers = excluded.headers, body = excluded.body, cached_at = excluded.cached_at,
            expires_at = excluded.expires_at
        """;

    public Task SaveIdempotencyKeyAsync(string key, IdempotencyResponse response, TimeSpan ttl, CancellationToken cancellationToken)
    {
        Check.Id(key, "idempotency key");
        Check.Ttl(ttl, "ttl");
        var prepared = Prepare.IdempotencyResponse(response, Now);
        return WriteAsync(s =>
        {
            var now = Now;
            // A live record keeps its request fingerprint; a response saved without one matches any request.
            var fingerprint = LiveIdempotency(s, key, now)?.Fingerprint ?? "";
            s.Execute(UpsertIdempotencySql, Tenant, ("@key", key), ("@fingerprint", fingerprint), ("@lock_token", null), ("@locked_until", null),
                ("@status_code", (long)prepared.StatusCode), ("@headers", Json(prepared.Headers)), ("@body", prepared.Body),
                ("@cached_at", prepared.CachedAt), ("@expires_at", StorageTime.Micro(now + ttl)));
        }, cancellationToken);
    }

    public Task<IdempotencyResponse?> GetIdempotencyKeyAsync(string key, CancellationToken cancellationToken)
    {
        Check.Id(key, "idempotency key");
        return ReadAsync(s => LiveIdempotency(s, key, Now)?.Response, cancellationToken);
    }

    public Task DeleteIdempotencyKeyAsync(string key, CancellationToken cancellationToken)
    {
        Check.Id(key, "idempotency key");
        return WriteAsync(s => s.Execute($"DELETE FROM {Tables.IdempotencyKeys.Quoted} WHERE tenant_id = @tenant AND key = @key",
            Tenant, ("@key", key)), cancellationToken);
    }

    public Task<long> CleanupExpiredIdempotencyKeysAsync(CancellationToken cancellationToken) =>
        LoopAsync(s => s.Execute($"""
            DELETE FROM {Tables.IdempotencyKeys.Quoted}
            WHERE rowid IN (SELECT rowid FROM {Tables.IdempotencyKeys.Quoted} WHERE NOT {IdempotencyLive} LIMIT @batch)
            """, ("@now", Now), ("@batch", BatchSize)), cancellationToken);

    public Task<IdempotencyBeginResult> TryBeginIdempotentRequestAsync(string key, string requestFingerprint, TimeSpan lockTtl,
        CancellationToken cancellationToken)
    {
        PrepareIdempotency.Begin(key, requestFingerprint, lockTtl);
        return WriteAsync(s =>
        {
            var now = Now;
            if (LiveIdempotency(s, key, now) is { } live)
            {
                return PrepareIdempotency.ForLive(live.Fingerprint, live.Response, requestFingerprint);
            }
            // Inside the write transaction nobody else can start this key between the check above and this upsert.
            var token = Ids.NewToken();
            s.Execute(UpsertIdempotencySql, Tenant, ("@key", key), ("@fingerprint", requestFingerprint), ("@lock_token", token),
                ("@locked_until", StorageTime.Micro(now + lockTtl)), ("@status_code", null), ("@headers", null), ("@body", null),
                ("@cached_at", null), ("@expires_at", null));
            return IdempotencyBeginResult.Started(token);
        }, cancellationToken);
    }

    public Task CompleteIdempotentRequestAsync(string key, string lockToken, IdempotencyResponse response, TimeSpan ttl,
        CancellationToken cancellationToken)
    {
        var prepared = PrepareIdempotency.Complete(key, lockToken, response, ttl, Now);
        return WriteAsync(s =>
        {
            var now = Now;
            var stored = s.Execute($"""
                UPDATE {Tables.IdempotencyKeys.Quoted} SET lock_token = NULL, locked_until = NULL, status_code = @status_code,
                    headers = @headers, body = @body, cached_at = @cached_at, expires_at = @expires_at
                WHERE tenant_id = @tenant AND key = @key AND lock_token = @token AND status_code IS NULL AND locked_until > @now
                """, Tenant, ("@key", key), ("@token", lockToken), ("@now", now), ("@status_code", (long)prepared.StatusCode),
                ("@headers", Json(prepared.Headers)), ("@body", prepared.Body), ("@cached_at", prepared.CachedAt),
                ("@expires_at", StorageTime.Micro(now + ttl)));
            if (stored == 0) throw PrepareIdempotency.NotHeld(key);
        }, cancellationToken);
    }

    public Task<bool> ReleaseIdempotentRequestAsync(string key, string lockToken, CancellationToken cancellationToken)
    {
        PrepareIdempotency.Release(key, lockToken);
        return WriteAsync(s => s.Execute($"""
            DELETE FROM {Tables.IdempotencyKeys.Quoted}
            WHERE tenant_id = @tenant AND key = @key AND lock_token = @token AND status_code IS NULL AND locked_until > @now
            """, Tenant, ("@key", key), ("@token", lockToken), ("@now", Now)) == 1, cancellationToken);
    }
}
