using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace Cedros.Storage.Benchmarks.Ops;

/// <summary>
/// <c>ReserveInventoryAsync(reservation, stock)</c> of 1 unit against a stock that is never reached, rotating over 100
/// products, vs the guarded insert by hand: PostgreSQL takes the product's advisory lock in a transaction and inserts
/// only while reserved + quantity ≤ stock; SQLite runs that conditional insert alone (one statement is atomic under its
/// single writer). The insert binds every field a caller sets (quantity, cart, creation time), as the storage's does
/// and as an insert written by hand for this API would; the variant, null here, is a literal on both sides' text.
/// </summary>
public sealed class ReserveStockCase(OpsBackend backend) : OpsCase(backend)
{
    private const int Products = 100;
    private const int Stock = 1_000_000_000;
    private static readonly string Table = OpsBackend.Tables.InventoryReservations;

    public override string Name => "reserve stock";

    private static string Product(long i) => string.Create(CultureInfo.InvariantCulture, $"product-{i % Products}");

    public override Task StorageAsync(int worker, long i) => Store.ReserveInventoryAsync(new InventoryReservation
    {
        Id = Key("s", i), ProductId = Product(i), Quantity = 1, CartId = Key("s", i), ExpiresAt = Raw.Now().AddMinutes(15),
    }, Stock);

    public override async Task RawAsync(int worker, long i)
    {
        var id = Key("r", i);
        var now = Raw.Now();
        const int Quantity = 1;
        // The instant as a sub-select, as the storage writes it: with statistics older than the reservations (the
        // runner empties the table) a plain parameter let PostgreSQL sum every product's reservations through the
        // expiry index, and this baseline ran at a tenth of the storage's rate (docs/decisions.md).
        const string Guarded = """
             WHERE (SELECT coalesce(sum(quantity), 0) FROM {0}
                     WHERE tenant_id = {1} AND product_id = {2} AND variant_id IS NULL AND status = 'active' AND expires_at > (SELECT {3})) + {4} <= {5}
            """;
        if (Pg)
        {
            await using var connection = await Backend.Pg!.OpenConnectionAsync();
            await using var tx = await connection.BeginTransactionAsync();
            await using var batch = new NpgsqlBatch(connection, tx);
            var lockProduct = new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))");
            lockProduct.Parameters.Add(new() { Value = $"{Table}\u001f{BenchEnv.Tenant}\u001f{Product(i)}" });
            var insert = new NpgsqlBatchCommand($"""
                INSERT INTO {Table} (id, tenant_id, product_id, variant_id, quantity, expires_at, cart_id, status, created_at)
                SELECT $1, $2, $3, NULL, $4, $5, $6, 'active', $7
                """ + string.Format(CultureInfo.InvariantCulture, Guarded, Table, "$2", "$3", "$8", "$4", "$9"));
            foreach (var value in new object[] { id, BenchEnv.Tenant, Product(i), Quantity, now.AddMinutes(15), id, now, now, (long)Stock })
                insert.Parameters.Add(new() { Value = value });
            batch.BatchCommands.Add(lockProduct);
            batch.BatchCommands.Add(insert);
            await batch.ExecuteNonQueryAsync();
            await tx.CommitAsync();
            return;
        }
        var command = Backend.Lite(worker, $"""
            INSERT INTO {Table} (tenant_id, id, product_id, variant_id, quantity, expires_at, cart_id, status, created_at)
            SELECT @t, @id, @product, NULL, @quantity, @expires, @cart, 'active', @created
            """ + string.Format(CultureInfo.InvariantCulture, Guarded, Table, "@t", "@product", "@now", "@quantity", "@stock"),
            "@t", "@id", "@product", "@quantity", "@expires", "@cart", "@created", "@now", "@stock");
        Expect(await Backend.LiteWriteAsync(() =>
        {
            object[] values = [BenchEnv.Tenant, id, Product(i), (long)Quantity, Raw.Micros(now.AddMinutes(15)), id, Raw.Micros(now), Raw.Micros(now), (long)Stock];
            for (var k = 0; k < values.Length; k++) command.Parameters[k].Value = values[k];
            return command.ExecuteNonQuery();
        }) == 1, "raw reservation not inserted");
    }
}

/// <summary>
/// An idempotent request's two calls, <c>TryBeginIdempotentRequestAsync</c> of a new key then
/// <c>CompleteIdempotentRequestAsync</c>, vs by hand: an upsert that takes the key unless a live record holds it, then an
/// update of the response guarded by the lock token.
/// </summary>
public sealed class IdempotencyCase(OpsBackend backend) : OpsCase(backend)
{
    private static readonly string Table = OpsBackend.Tables.IdempotencyKeys;
    private static readonly IdempotencyResponse Response = new() { StatusCode = 201, Body = "{\"order\":\"o-1\"}"u8.ToArray(), CachedAt = Raw.Now() };

    public override string Name => "idempotency begin+complete";

    public override Task SetupAsync() => OtherTenantsRowsAsync($"""
        INSERT INTO {Table} (tenant_id, key, fingerprint, status_code, cached_at, expires_at, live_until, created_at)
        SELECT 'other-' || (g % 50), 'other-' || g, 'fingerprint', 201, now(), now() + interval '1 day', now() + interval '1 day', now()
          FROM generate_series(1, 5000) AS g
        ON CONFLICT DO NOTHING
        """);

    public override async Task StorageAsync(int worker, long i)
    {
        var key = Key("s", i);
        var begun = await Store.TryBeginIdempotentRequestAsync(key, "fingerprint", TimeSpan.FromSeconds(30));
        Expect(begun.Outcome == IdempotencyBeginOutcome.Started, "request not started");
        await Store.CompleteIdempotentRequestAsync(key, begun.LockToken!, Response, TimeSpan.FromHours(24));
    }

    public override async Task RawAsync(int worker, long i)
    {
        var key = Key("r", i);
        var token = Guid.NewGuid().ToString("N");
        var now = Raw.Now();
        if (Pg)
        {
            Expect(await Backend.PgExecuteAsync($"""
                INSERT INTO {Table} AS k (tenant_id, key, fingerprint, lock_token, locked_until, live_until, created_at)
                VALUES ($1, $2, $3, $4, $5, $5, $6)
                ON CONFLICT (tenant_id, key) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, lock_token = EXCLUDED.lock_token,
                    locked_until = EXCLUDED.locked_until, status_code = NULL, headers = NULL, body = NULL, cached_at = NULL,
                    expires_at = NULL, live_until = EXCLUDED.live_until, created_at = EXCLUDED.created_at
                 WHERE k.live_until <= $6
                """, p =>
            {
                foreach (var value in new object[] { BenchEnv.Tenant, key, "fingerprint", token, now.AddSeconds(30), now }) p.Add(new() { Value = value });
            }) == 1, "raw request not started");
            Expect(await Backend.PgExecuteAsync($"""
                UPDATE {Table} SET lock_token = NULL, locked_until = NULL, status_code = $4, headers = $5, body = $6, cached_at = $7,
                       expires_at = $8, live_until = $8
                 WHERE tenant_id = $1 AND key = $2 AND lock_token = $3 AND status_code IS NULL AND live_until > (SELECT $7)
                """, p =>
            {
                foreach (var value in new object[] { BenchEnv.Tenant, key, token, Response.StatusCode }) p.Add(new() { Value = value });
                p.Add(new() { Value = "{}", NpgsqlDbType = NpgsqlDbType.Jsonb });
                p.Add(new() { Value = Response.Body });
                p.Add(new() { Value = now });
                p.Add(new() { Value = now.AddHours(24) });
            }) == 1, "raw request not completed");
            return;
        }
        var begin = Backend.Lite(worker, $"""
            INSERT INTO {Table} (tenant_id, key, fingerprint, lock_token, locked_until) VALUES (@t, @k, @fp, @token, @until)
            ON CONFLICT (tenant_id, key) DO UPDATE SET fingerprint = excluded.fingerprint, lock_token = excluded.lock_token,
                locked_until = excluded.locked_until, status_code = NULL, headers = NULL, body = NULL, cached_at = NULL, expires_at = NULL
             WHERE NOT ((status_code IS NOT NULL AND expires_at > @now) OR (status_code IS NULL AND locked_until > @now))
            """, "@t", "@k", "@fp", "@token", "@until", "@now");
        var complete = Backend.Lite(worker, $"""
            UPDATE {Table} SET lock_token = NULL, locked_until = NULL, status_code = @code, headers = '{"{}"}', body = @body,
                   cached_at = @now, expires_at = @expires
             WHERE tenant_id = @t AND key = @k AND lock_token = @token AND status_code IS NULL AND locked_until > @now
            """, "@t", "@k", "@token", "@code", "@body", "@now", "@expires");
        Expect(await Backend.LiteWriteAsync(() =>
        {
            object[] values = [BenchEnv.Tenant, key, "fingerprint", token, Raw.Micros(now.AddSeconds(30)), Raw.Micros(now)];
            for (var k = 0; k < values.Length; k++) begin.Parameters[k].Value = values[k];
            return begin.ExecuteNonQuery();
        }) == 1, "raw request not started");
        Expect(await Backend.LiteWriteAsync(() =>
        {
            object[] values = [BenchEnv.Tenant, key, token, (long)Response.StatusCode, Response.Body, Raw.Micros(now), Raw.Micros(now.AddHours(24))];
            for (var k = 0; k < values.Length; k++) complete.Parameters[k].Value = values[k];
            return complete.ExecuteNonQuery();
        }) == 1, "raw request not completed");
    }
}

/// <summary>
/// One delivery's queue calls, <c>DequeueWebhooksAsync(1)</c> then <c>MarkWebhookSuccessAsync(id, claimToken)</c>, vs a
/// hand-written claim of the oldest ready webhook (SKIP LOCKED on PostgreSQL) and an ack guarded by its token. Ready
/// means due and pending, or processing with a lapsed lease (a worker died holding it): the contract takes such rows
/// over. On PostgreSQL the hand-written claim scans both, each in its index's order, as the storage does; on SQLite it
/// probes the lease index first and takes a lapsed lease before the oldest pending row (one statement). Both sides
/// drain one shared backlog, topped up before each block (outside its time) to twice the most any block has claimed,
/// so a block never stops to refill: a refill of 5,000 took ~60 ms on PostgreSQL (28 Nov), a tenth of whichever side's
/// 500 ms block it fell into, every four or five blocks. A side that still finds the queue empty refills it itself.
/// </summary>
public sealed class ClaimAckCase(OpsBackend backend) : OpsCase(backend)
{
    private const int Refill = 5_000;
    private static readonly string Table = OpsBackend.Tables.WebhookQueue;
    private readonly SemaphoreSlim _refill = new(1, 1);
    private long _ready;
    private long _claimedThisBlock;
    private long _mostClaimedInABlock = Refill;

    public override string Name => "claim+ack webhook";

    public override Task SetupAsync() => RefillAsync();

    /// <summary>
    /// On PostgreSQL every claim leaves a dead entry at the front of the ready index (the row's pending version), which
    /// every later claim walks over until a vacuum removes it: ~460 index pages read per claim after a minute at 1,500
    /// claims/s (EXPLAIN, 27 Nov). Both sides drain one backlog, so a side inherits the other's dead entries, and
    /// autovacuum (once a minute) empties them in the middle of one side's block or the other's. Each block starts from a
    /// vacuumed queue instead. SQLite and memory delete index entries in place.
    /// </summary>
    public override async Task BeforeBlockAsync()
    {
        _mostClaimedInABlock = Math.Max(_mostClaimedInABlock, Interlocked.Exchange(ref _claimedThisBlock, 0));
        while (Interlocked.Read(ref _ready) < 2 * _mostClaimedInABlock) await RefillAsync();
        if (Pg) await Backend.PgExecuteAsync($"VACUUM {Table}", _ => { });
    }

    private void Claimed()
    {
        Interlocked.Decrement(ref _ready);
        Interlocked.Increment(ref _claimedThisBlock);
    }

    public override async Task StorageAsync(int worker, long i)
    {
        var claimed = await Store.DequeueWebhooksAsync(1);
        if (claimed.Count == 0)
        {
            await RefillAsync();
            return;
        }
        Claimed();
        await Store.MarkWebhookSuccessAsync(claimed[0].Id, claimed[0].ClaimToken!);
    }

    public override async Task RawAsync(int worker, long i)
    {
        var now = Raw.Now();
        if (Pg)
        {
            // The claim and the ack each rent a pooled connection: a worker delivers the webhook in between and holds
            // no connection while it does, like the storage's two calls.
            string? id = null, token = null;
            await using (var connection = await Backend.Pg!.OpenConnectionAsync())
            await using (var claim = new NpgsqlCommand($"""
                WITH due AS (SELECT id, next_attempt_at FROM {Table} WHERE status = 'pending' AND next_attempt_at <= $1
                              ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED),
                  lapsed AS (SELECT id, next_attempt_at FROM {Table} WHERE status = 'processing' AND locked_until <= $1
                              ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)
                UPDATE {Table} SET status = 'processing', attempts = attempts + 1, last_attempt_at = $1, locked_until = $2, claim_token = $3
                 WHERE id IN (SELECT id FROM (SELECT * FROM due UNION ALL SELECT * FROM lapsed) ready ORDER BY next_attempt_at, id LIMIT 1)
                RETURNING {RawWebhook.For(pg: true)}
                """, connection))
            {
                claim.Parameters.Add(new() { Value = now });
                claim.Parameters.Add(new() { Value = now.AddMinutes(5) });
                claim.Parameters.Add(new() { Value = Guid.NewGuid().ToString("N") });
                await using var reader = await claim.ExecuteReaderAsync();
                if (await reader.ReadAsync()) (id, token) = Held(RawWebhook.Read(reader, pg: true));
            }
            if (id is null)
            {
                await RefillAsync();
                return;
            }
            Claimed();
            await using var ackConnection = await Backend.Pg!.OpenConnectionAsync();
            await using var ack = new NpgsqlCommand($"""
                UPDATE {Table} SET status = 'success', completed_at = $3, locked_until = NULL, claim_token = NULL
                 WHERE id = $1 AND status = $4 AND claim_token = $2
                """, ackConnection);
            ack.Parameters.Add(new() { Value = id });
            ack.Parameters.Add(new() { Value = token });
            ack.Parameters.Add(new() { Value = now });
            ack.Parameters.Add(new() { Value = "processing" }); // bound, as the storage binds it: a literal lets the plan scan the lease index
            Expect(await ack.ExecuteNonQueryAsync() == 1, "raw ack lost");
            return;
        }
        var claimLite = Backend.Lite(worker, $"""
            UPDATE {Table} SET status = 'processing', attempts = attempts + 1, last_attempt_at = @now, locked_until = @until, claim_token = @token
             WHERE id = coalesce((SELECT id FROM {Table} WHERE status = 'processing' AND locked_until <= @now LIMIT 1),
                                 (SELECT id FROM {Table} WHERE status = 'pending' AND next_attempt_at <= @now ORDER BY next_attempt_at, id LIMIT 1))
            RETURNING {RawWebhook.For(pg: false)}
            """, "@now", "@until", "@token");
        var ackLite = Backend.Lite(worker, $"""
            UPDATE {Table} SET status = 'success', completed_at = @now, locked_until = NULL, claim_token = NULL
             WHERE id = @id AND status = 'processing' AND claim_token = @token
            """, "@id", "@token", "@now");
        var claimedLite = await Backend.LiteWriteAsync(() =>
        {
            claimLite.Parameters[0].Value = Raw.Micros(now);
            claimLite.Parameters[1].Value = Raw.Micros(now.AddMinutes(5));
            claimLite.Parameters[2].Value = Guid.NewGuid().ToString("N");
            using var reader = claimLite.ExecuteReader();
            return reader.Read() ? Held(RawWebhook.Read(reader, pg: false)) : ((string, string)?)null;
        });
        if (claimedLite is not { } held)
        {
            await RefillAsync();
            return;
        }
        Claimed();
        Expect(await Backend.LiteWriteAsync(() =>
        {
            ackLite.Parameters[0].Value = held.Item1;
            ackLite.Parameters[1].Value = held.Item2;
            ackLite.Parameters[2].Value = Raw.Micros(now);
            return ackLite.ExecuteNonQuery();
        }) == 1, "raw ack lost");
    }

    private static (string Id, string Token) Held(PendingWebhook claimed) => (claimed.Id, claimed.ClaimToken!);

    /// <summary>Adds <see cref="Refill"/> ready webhooks, once for all callers that found the queue empty together.</summary>
    private async Task RefillAsync()
    {
        if (!await _refill.WaitAsync(0))
        {
            await _refill.WaitAsync();
            _refill.Release();
            return;
        }
        try
        {
            Interlocked.Add(ref _ready, Refill);
            var batch = Key("fill", Next());
            if (!HasRaw)
            {
                for (var k = 0; k < Refill; k++)
                    await Store.EnqueueWebhookAsync(new PendingWebhook { Id = $"{batch}-{k}", Url = "https://merchant.example/hook", Payload = "{}" });
                return;
            }
            if (Pg)
            {
                await Backend.PgExecuteAsync($"""
                    INSERT INTO {Table} (id, tenant_id, url, payload, payload_raw, headers, event_type, status, attempts, max_attempts, next_attempt_at, created_at)
                    SELECT $1 || '-' || g, $2, 'https://merchant.example/hook', '{"{}"}'::jsonb, '{"{}"}', '{"{}"}', 'payment.succeeded', 'pending', 0, 5,
                           now() - interval '1 minute', now()
                      FROM generate_series(1, {Refill}) g
                    """, p => { p.Add(new() { Value = batch }); p.Add(new() { Value = BenchEnv.Tenant }); });
                return;
            }
            var fill = Backend.Lite(-1, $"""
                WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < {Refill})
                INSERT INTO {Table} (id, tenant_id, url, payload, headers, event_type, status, attempts, max_attempts, next_attempt_at, created_at)
                SELECT @batch || '-' || n, @t, 'https://merchant.example/hook', '{"{}"}', '{"{}"}', 'payment.succeeded', 'pending', 0, 5, @past, @past
                  FROM g
                """, "@batch", "@t", "@past");
            await Backend.LiteWriteAsync(() =>
            {
                fill.Parameters[0].Value = batch;
                fill.Parameters[1].Value = BenchEnv.Tenant;
                fill.Parameters[2].Value = Raw.Micros(Raw.Now().AddMinutes(-1));
                return fill.ExecuteNonQuery();
            });
        }
        finally
        {
            _refill.Release();
        }
    }
}
