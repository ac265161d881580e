using Cedros.Storage.FrontDoor.Drivers;
using System.Data.Common;
using Cedros.Storage.Sql;

namespace Cedros.Storage.Postgres;

internal sealed partial class PostgresStore : IIdempotencyDriver
{
    private const string IdempotencyResponseColumns = "status_code, headers, body, cached_at";

    private static IdempotencyResponse ReadIdempotencyResponse(DbDataReader r, int first) => new()
    {
        StatusCode = SqlCodec.Int(r, first),
        Headers = SqlCodec.Meta(r, first + 1),
        Body = SqlCodec.Bytes(r, first + 2),
        CachedAt = PgCodec.Instance.Time(r, first + 3),
    };

    public Task UpsertIdempotencyResponseAsync(string key, IdempotencyResponse response, DateTimeOffset now, DateTimeOffset expiresAt,
        CancellationToken cancellationToken) =>
        RunAsync(c => c.ExecuteAsync("""
            INSERT INTO [[idempotency_keys]] AS k (tenant_id, key, fingerprint, lock_token, locked_until, status_code, headers, body,
                cached_at, expires_at, live_until, created_at)
            VALUES (@t, @k, '', NULL, NULL, @code, @headers, @body, @cached, @expires, @expires, @now)
            ON CONFLICT (tenant_id, key) DO UPDATE SET
                fingerprint = CASE WHEN k.live_until > @now THEN k.fingerprint ELSE '' END,
                lock_token = NULL, locked_until = NULL, status_code = EXCLUDED.status_code, headers = EXCLUDED.headers,
                body = EXCLUDED.body, cached_at = EXCLUDED.cached_at, expires_at = EXCLUDED.expires_at,
                live_until = EXCLUDED.live_until
            """, ("t", TenantId), ("k", key), ("code", response.StatusCode), ("headers", Codec.Json(response.Headers)),
            ("body", response.Body), ("cached", response.CachedAt), ("expires", expiresAt), ("now", now)), cancellationToken);

    public Task<IdempotencyResponse?> FindIdempotencyResponseAsync(string key, DateTimeOffset now, CancellationToken cancellationToken) =>
        RunAsync(c => c.OneAsync($"""
            SELECT {IdempotencyResponseColumns} FROM [[idempotency_keys]]
             WHERE tenant_id = @t AND key = @k AND status_code IS NOT NULL AND live_until > (SELECT @now)
            """, r => ReadIdempotencyResponse(r, 0), ("t", TenantId), ("k", key), ("now", now)), cancellationToken);

    public Task<int> DeleteLapsedIdempotencyRecordsAsync(DateTimeOffset now, int batchSize, CancellationToken cancellationToken) =>
        RunAsync(c => c.ExecuteAsync("""
            DELETE FROM [[idempotency_keys]] k USING (
                SELECT tenant_id, key FROM [[idempotency_keys]] WHERE live_until <= @now LIMIT @n FOR UPDATE SKIP LOCKED) b
             WHERE k.tenant_id = b.tenant_id AND k.key = b.key
            """, ("now", now), ("n", batchSize)), cancellationToken);

    /// <summary>
    /// Takes the key when it is absent or no longer live (expired response, lapsed lock); exactly one concurrent caller's
    /// row wins the unique key. Otherwise reads the live record; when it lapsed or was released between the two
    /// statements, tries again (up to four times).
    /// </summary>
    public Task<IdempotencyClaim> ClaimIdempotencyKeyAsync(string key, string fingerprint, string token, DateTimeOffset now,
        DateTimeOffset lockedUntil, CancellationToken cancellationToken) =>
        RunAsync(async c =>
        {
            for (var attempt = 0; ; attempt++)
            {
                var started = await c.ExecuteAsync("""
                    INSERT INTO [[idempotency_keys]] AS k (tenant_id, key, fingerprint, lock_token, locked_until, status_code, headers,
                        body, cached_at, expires_at, live_until, created_at)
                    VALUES (@t, @k, @fp, @token, @until, NULL, NULL, NULL, NULL, NULL, @until, @now)
                    ON CONFLICT (tenant_id, key) DO UPDATE SET
                        fingerprint = EXCLUDED.fingerprint, lock_token = EXCLUDED.lock_token, locked_until = EXCLUDED.locked_until,
                        status_code = NULL, headers = NULL, body = NULL, cached_at = NULL, expires_at = NULL,
                        live_until = EXCLUDED.live_until, created_at = EXCLUDED.created_at
                     WHERE k.live_until <= @now
                    """, ("t", TenantId), ("k", key), ("fp", fingerprint), ("token", token), ("until", lockedUntil), ("now", now))
                    .ConfigureAwait(false);
                if (started == 1) return IdempotencyClaim.Done;
                var rows = await c.ListAsync($"""
                    SELECT fingerprint, {IdempotencyResponseColumns} FROM [[idempotency_keys]]
                     WHERE tenant_id = @t AND key = @k AND live_until > (SELECT @now)
                    """, r => IdempotencyClaim.LiveRecord(SqlCodec.Str(r, 0), r.IsDBNull(1) ? null : ReadIdempotencyResponse(r, 1)),
                    ("t", TenantId), ("k", key), ("now", now)).ConfigureAwait(false);
                if (rows.Count > 0) return rows[0];
                if (attempt >= 3) return default;
            }
        }, cancellationToken);

    public Task<bool> CompleteHeldIdempotencyKeyAsync(string key, string token, IdempotencyResponse response, DateTimeOffset now,
        DateTimeOffset expiresAt, CancellationToken cancellationToken) =>
        RunAsync(async c => await c.ExecuteAsync("""
            UPDATE [[idempotency_keys]] SET lock_token = NULL, locked_until = NULL, status_code = @code, headers = @headers,
                   body = @body, cached_at = @cached, expires_at = @expires, live_until = @expires
             WHERE tenant_id = @t AND key = @k AND lock_token = @token AND status_code IS NULL AND live_until > (SELECT @now)
            """, ("t", TenantId), ("k", key), ("token", token), ("code", response.StatusCode), ("headers", Codec.Json(response.Headers)),
            ("body", response.Body), ("cached", response.CachedAt), ("expires", expiresAt), ("now", now)).ConfigureAwait(false) > 0,
            cancellationToken);

    public Task<bool> DeleteHeldIdempotencyKeyAsync(string key, string token, DateTimeOffset now, CancellationToken cancellationToken) =>
        RunAsync(async c => await c.ExecuteAsync("""
            DELETE FROM [[idempotency_keys]]
             WHERE tenant_id = @t AND key = @k AND lock_token = @token AND status_code IS NULL AND live_until > (SELECT @now)
            """, ("t", TenantId), ("k", key), ("token", token), ("now", now)).ConfigureAwait(false) > 0, cancellationToken);
}
