using Cedros.Storage.FrontDoor.Drivers;
using Microsoft.Data.Sqlite;
using static Cedros.Storage.Sqlite.SqliteRow;

namespace Cedros.Storage.Sqlite;

internal sealed partial class SqliteStore : IIdempotencyDriver
{
    private const string IdempotencyColumns = "fingerprint, lock_token, locked_until, status_code, headers, body, cached_at, expires_at";

    /// <summary>A live row: a completed response before its expiry, or an in-progress lock before its lease ends.</summary>
    private const string IdempotencyLive =
        "((status_code IS NOT NULL AND expires_at > @now) OR (status_code IS NULL AND locked_until > @now))";

    private static IdempotencyClaim ReadIdempotency(SqliteDataReader r) => IdempotencyClaim.LiveRecord(
        r.Str(0),
        r.IsDBNull(3) ? null : new IdempotencyResponse
        {
            StatusCode = r.Int(3),
            Headers = r.Metadata(4),
            Body = r.Blob(5),
            CachedAt = r.Time(6),
        });

    private IdempotencyClaim? LiveIdempotency(SqliteSession s, string key, DateTimeOffset now) => s.One(Sql($"""
        SELECT {IdempotencyColumns} FROM [[idempotency_keys]]
        WHERE tenant_id = @tenant AND key = @key AND {IdempotencyLive}
        """), r => (IdempotencyClaim?)ReadIdempotency(r), Tenant, ("@key", key), ("@now", now));

    private string UpsertIdempotencySql => Sql($"""
        INSERT INTO [[idempotency_keys]] (tenant_id, key, {IdempotencyColumns})
        VALUES (@tenant, @key, @fingerprint, @lock_token, @locked_until, @status_code, @headers, @body, @cached_at, @expires_at)
        ON CONFLICT (tenant_id, key) DO UPDATE SET
            fingerprint = excluded.fingerprint, lock_token = excluded.lock_token, locked_until = excluded.locked_until,
            status_code = excluded.status_code, headers = excluded.headers, body = excluded.body, cached_at = excluded.cached_at,
            expires_at = excluded.expires_at
        """);

    /// <summary>Reads the live fingerprint and upserts in one write transaction.</summary>
    public Task UpsertIdempotencyResponseAsync(string key, IdempotencyResponse response, DateTimeOffset now, DateTimeOffset expiresAt,
        CancellationToken cancellationToken) =>
        WriteAsync(s =>
        {
            var fingerprint = LiveIdempotency(s, key, now)?.Fingerprint ?? "";
            s.Execute(UpsertIdempotencySql, Tenant, ("@key", key), ("@fingerprint", fingerprint), ("@lock_token", null), ("@locked_until", null),
                ("@status_code", (long)response.StatusCode), ("@headers", Json(response.Headers)), ("@body", response.Body),
                ("@cached_at", response.CachedAt), ("@expires_at", expiresAt));
        }, cancellationToken);

    public Task<IdempotencyResponse?> FindIdempotencyResponseAsync(string key, DateTimeOffset now, CancellationToken cancellationToken) =>
        ReadAsync(s => LiveIdempotency(s, key, now)?.Response, cancellationToken);

    public Task<int> DeleteLapsedIdempotencyRecordsAsync(DateTimeOffset now, int batchSize, CancellationToken cancellationToken) =>
        WriteAsync(s => s.Execute(Sql($"""
            DELETE FROM [[idempotency_keys]]
            WHERE rowid IN (SELECT rowid FROM [[idempotency_keys]] WHERE NOT {IdempotencyLive} LIMIT @batch)
            """), ("@now", now), ("@batch", batchSize)), cancellationToken);

    /// <summary>Inside the write transaction nobody else can start this key between the check and the upsert.</summary>
    public Task<IdempotencyClaim> ClaimIdempotencyKeyAsync(string key, string fingerprint, string token, DateTimeOffset now,
        DateTimeOffset lockedUntil, CancellationToken cancellationToken) =>
        WriteAsync(s =>
        {
            if (LiveIdempotency(s, key, now) is { } live) return live;
            s.Execute(UpsertIdempotencySql, Tenant, ("@key", key), ("@fingerprint", fingerprint), ("@lock_token", token),
                ("@locked_until", lockedUntil), ("@status_code", null), ("@headers", null), ("@body", null),
                ("@cached_at", null), ("@expires_at", null));
            return IdempotencyClaim.Done;
        }, cancellationToken);

    public Task<bool> CompleteHeldIdempotencyKeyAsync(string key, string token, IdempotencyResponse response, DateTimeOffset now,
        DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        WriteAsync(s => s.Execute(Sql("""
            UPDATE [[idempotency_keys]] SET lock_token = NULL, locked_until = NULL, status_code = @status_code,
                headers = @headers, body = @body, cached_at = @cached_at, expires_at = @expires_at
            WHERE tenant_id = @tenant AND key = @key AND lock_token = @token AND status_code IS NULL AND locked_until > @now
            """), Tenant, ("@key", key), ("@token", token), ("@now", now), ("@status_code", (long)response.StatusCode),
            ("@headers", Json(response.Headers)), ("@body", response.Body), ("@cached_at", response.CachedAt),
            ("@expires_at", expiresAt)) > 0, cancellationToken);

    public Task<bool> DeleteHeldIdempotencyKeyAsync(string key, string token, DateTimeOffset now, CancellationToken cancellationToken) =>
        WriteAsync(s => s.Execute(Sql("""
            DELETE FROM [[idempotency_keys]]
            WHERE tenant_id = @tenant AND key = @key AND lock_token = @token AND status_code IS NULL AND locked_until > @now
            """), Tenant, ("@key", key), ("@token", token), ("@now", now)) == 1, cancellationToken);
}
