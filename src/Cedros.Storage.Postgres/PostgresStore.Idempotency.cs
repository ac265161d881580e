using Cedros.Storage.Internal;
using Cedros.Storage.Validation;
using Npgsql;

namespace Cedros.Storage.Postgres;

internal sealed partial class PostgresStore
{
    private const string IdempotencyResponseColumns = "status_code, headers, body, cached_at";

    private static IdempotencyResponse ReadIdempotencyResponse(NpgsqlDataReader r, int first) => new()
    {
        StatusCode = PgRow.Int(r, first),
        Headers = PgRow.Meta(r, first + 1),
        Body = r.IsDBNull(first + 2) ? [] : r.GetFieldValue<byte[]>(first + 2),
        CachedAt = PgRow.Time(r, first + 3),
    };

    public Task SaveIdempotencyKeyAsync(string key, IdempotencyResponse response, TimeSpan ttl, CancellationToken cancellationToken)
    {
        Check.Id(key, "idempotency key");
        Check.Ttl(ttl, "ttl");
        var now = Now;
        var prepared = Prepare.IdempotencyResponse(response, now);
        // A live record keeps its request fingerprint; a response saved without one matches any request.
        return RunAsync(c => c.ExecuteAsync("""
            INSERT INTO [[idempotency_keys]] AS k (tenant_id, key, fingerprint, lock_token, locked_until, status_code, headers, body,
                cached_at, expires_at, live_until, created_at)
            VALUES (@t, @k, '', NULL, NULL, @code, @headers, @body, @cached, @expires, @expires, @now)
            ON CONFLICT (tenant_id, key) DO UPDATE SET
                fingerprint = CASE WHEN k.live_until > @now THEN k.fingerprint ELSE '' END,
                lock_token = NULL, locked_until = NULL, status_code = EXCLUDED.status_code, headers = EXCLUDED.headers,
                body = EXCLUDED.body, cached_at = EXCLUDED.cached_at, expires_at = EXCLUDED.expires_at,
                live_until = EXCLUDED.live_until
            """, ("t", TenantId), ("k", key), ("code", prepared.StatusCode), ("headers", PgRow.Json(prepared.Headers)),
            ("body", prepared.Body), ("cached", prepared.CachedAt), ("expires", StorageTime.Micro(now + ttl)), ("now", now)), cancellationToken);
    }

    public Task<IdempotencyResponse?> GetIdempotencyKeyAsync(string key, CancellationToken cancellationToken)
    {
        Check.Id(key, "idempotency key");
        return RunAsync(c => c.OneAsync($"""
            SELECT {IdempotencyResponseColumns} FROM [[idempotency_keys]]
             WHERE tenant_id = @t AND key = @k AND status_code IS NOT NULL AND live_until > @now
            """, r => ReadIdempotencyResponse(r, 0), ("t", TenantId), ("k", key), ("now", Now)), cancellationToken);
    }

    public Task DeleteIdempotencyKeyAsync(string key, CancellationToken cancellationToken)
    {
        Check.Id(key, "idempotency key");
        return RunAsync(c => c.ExecuteAsync("DELETE FROM [[idempotency_keys]] WHERE tenant_id = @t AND key = @k", ("t", TenantId), ("k", key)),
            cancellationToken);
    }

    public async Task<long> CleanupExpiredIdempotencyKeysAsync(CancellationToken cancellationToken)
    {
        long total = 0;
        while (true)
        {
            var deleted = await RunAsync(c => c.ExecuteAsync("""
                DELETE FROM [[idempotency_keys]] k USING (
                    SELECT tenant_id, key FROM [[idempotency_keys]] WHERE live_until <= @now LIMIT @n FOR UPDATE SKIP LOCKED) b
                 WHERE k.tenant_id = b.tenant_id AND k.key = b.key
                """, ("now", Now), ("n", Context.BatchSize)), cancellationToken).ConfigureAwait(false);
            if (deleted == 0) return total;
            total += deleted;
        }
    }

    public Task<IdempotencyBeginResult> TryBeginIdempotentRequestAsync(string key, string requestFingerprint, TimeSpan lockTtl,
        CancellationToken cancellationToken)
    {
        PrepareIdempotency.Begin(key, requestFingerprint, lockTtl);
        var token = Ids.NewToken();
        return RunAsync(async c =>
        {
            for (var attempt = 0; ; attempt++)
            {
                var now = Now;
                // Takes the key when it is absent or no longer live (expired response, lapsed lock); exactly one
                // concurrent caller's row wins the unique key.
                var started = await c.ExecuteAsync("""
                    INSERT INTO [[idempotency_keys]] AS k (tenant_id, key, fingerprint, lock_token, locked_until, status_code, headers,
                        body, cached_at, expires_at, live_until, created_at)
                    VALUES (@t, @k, @fp, @token, @until, NULL, NULL, NULL, NULL, NULL, @until, @now)
                    ON CONFLICT (tenant_id, key) DO UPDATE SET
                        fingerprint = EXCLUDED.fingerprint, lock_token = EXCLUDED.lock_token, locked_until = EXCLUDED.locked_until,
                        status_code = NULL, headers = NULL, body = NULL, cached_at = NULL, expires_at = NULL,
                        live_until = EXCLUDED.live_until, created_at = EXCLUDED.created_at
                     WHERE k.live_until <= @now
                    """, ("t", TenantId), ("k", key), ("fp", requestFingerprint), ("token", token),
                    ("until", StorageTime.Micro(now + lockTtl)), ("now", now)).ConfigureAwait(false);
                if (started == 1) return IdempotencyBeginResult.Started(token);
                var rows = await c.ListAsync($"""
                    SELECT fingerprint, {IdempotencyResponseColumns} FROM [[idempotency_keys]]
                     WHERE tenant_id = @t AND key = @k AND live_until > @now
                    """, r => (Fingerprint: PgRow.Str(r, 0), Response: r.IsDBNull(1) ? null : ReadIdempotencyResponse(r, 1)),
                    ("t", TenantId), ("k", key), ("now", now)).ConfigureAwait(false);
                if (rows.Count == 0)
                {
                    // It lapsed or was released between the two statements: try to take it again.
                    if (attempt < 3) continue;
                    return IdempotencyBeginResult.InProgress;
                }
                var live = rows[0];
                return PrepareIdempotency.ForLive(live.Fingerprint, live.Response, requestFingerprint);
            }
        }, cancellationToken);
    }

    public Task CompleteIdempotentRequestAsync(string key, string lockToken, IdempotencyResponse response, TimeSpan ttl,
        CancellationToken cancellationToken)
    {
        var now = Now;
        var prepared = PrepareIdempotency.Complete(key, lockToken, response, ttl, now);
        return RunAsync(async c =>
        {
            var stored = await c.ExecuteAsync("""
                UPDATE [[idempotency_keys]] SET lock_token = NULL, locked_until = NULL, status_code = @code, headers = @headers,
                       body = @body, cached_at = @cached, expires_at = @expires, live_until = @expires
                 WHERE tenant_id = @t AND key = @k AND lock_token = @token AND status_code IS NULL AND live_until > @now
                """, ("t", TenantId), ("k", key), ("token", lockToken), ("code", prepared.StatusCode), ("headers", PgRow.Json(prepared.Headers)),
                ("body", prepared.Body), ("cached", prepared.CachedAt), ("expires", StorageTime.Micro(now + ttl)), ("now", now)).ConfigureAwait(false);
            if (stored == 0) throw PrepareIdempotency.NotHeld(key);
        }, cancellationToken);
    }

    public Task<bool> ReleaseIdempotentRequestAsync(string key, string lockToken, CancellationToken cancellationToken)
    {
        PrepareIdempotency.Release(key, lockToken);
        return RunAsync(async c => await c.ExecuteAsync("""
            DELETE FROM [[idempotency_keys]]
             WHERE tenant_id = @t AND key = @k AND lock_token = @token AND status_code IS NULL AND live_until > @now
            """, ("t", TenantId), ("k", key), ("token", lockToken), ("now", Now)).ConfigureAwait(false) > 0, cancellationToken);
    }
}
