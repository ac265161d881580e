using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace Cedros.Storage.Benchmarks.Ops;

/// <summary>
/// Issue 15's webhook drain: a backlog of webhooks drained by 1, 4 and 8 workers, each claiming a batch
/// (<c>DequeueWebhooksAsync(batch)</c>) and acknowledging it in one call (<c>MarkWebhooksSuccessAsync</c>), against
/// the raw baseline on PostgreSQL: one hand-written claim (<c>UPDATE … WHERE id IN (…) RETURNING</c> over two
/// <c>FOR UPDATE SKIP LOCKED</c> scans, due rows and lapsed leases, as the storage takes both; every claimed row read
/// back whole) and one batch acknowledgement
/// (<c>UPDATE … FROM unnest(ids, tokens)</c>). Every run checks that no webhook was claimed twice and none was left.
/// Run: <c>dotnet Cedros.Storage.Benchmarks.dll drain [--workers 1,4,8] [--backlog 20000] [--batch 50] [--rounds 3] [--backends Postgres,SqliteNormal,Memory]</c>.
/// </summary>
public static class DrainRunner
{
    private const string Payload = """{"type":"payment.succeeded","amount":1000000}""";

    public static async Task RunAsync(string[] args)
    {
        var quick = args.Contains("--quick");
        var workers = (args.Option("--workers") ?? (quick ? "1,4" : "1,4,8")).Split(',').Select(w => int.Parse(w, CultureInfo.InvariantCulture)).ToArray();
        var backlog = int.Parse(args.Option("--backlog") ?? (quick ? "2000" : "20000"), CultureInfo.InvariantCulture);
        var batch = int.Parse(args.Option("--batch") ?? "50", CultureInfo.InvariantCulture);
        var backends = (args.Option("--backends") ?? "Postgres,SqliteNormal,Memory").Split(',').Select(Enum.Parse<OpsBackendKind>).ToArray();
        var rounds = int.Parse(args.Option("--rounds") ?? (quick ? "1" : "3"), CultureInfo.InvariantCulture);
        Console.WriteLine($"# drain {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load {OpsSettings.LoadAverage()}; " +
            $"backlog {backlog:N0}, claim {batch} + one batch ack; {rounds} rounds a cell, the side that drains first alternating, " +
            "webhooks/s over all rounds");
        Console.WriteLine();
        Console.WriteLine("| backend | workers | storage webhooks/s | raw webhooks/s | ratio |");
        Console.WriteLine("|---|---:|---:|---:|---:|");
        foreach (var kind in backends)
        {
            await using var backend = await OpsBackend.OpenAsync(kind);
            foreach (var n in workers)
            {
                TimeSpan storageTime = default, rawTime = default;
                for (var round = 0; round < rounds; round++)
                {
                    var rawFirst = backend.IsPostgres && round % 2 == 1;
                    if (rawFirst) rawTime += await DrainRawAsync(backend, n, backlog, batch);
                    await FillAsync(backend, backlog);
                    storageTime += await DrainAsync(n, backlog, async () =>
                    {
                        var claimed = await backend.Store.DequeueWebhooksAsync(batch);
                        if (claimed.Count > 0) await backend.Store.MarkWebhooksSuccessAsync(claimed);
                        return claimed.Select(w => w.Id).ToArray();
                    });
                    if (backend.IsPostgres && !rawFirst) rawTime += await DrainRawAsync(backend, n, backlog, batch);
                }
                var storage = rounds * backlog / storageTime.TotalSeconds;
                double? raw = backend.IsPostgres ? rounds * backlog / rawTime.TotalSeconds : null;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {kind} | {n} | {storage:N0} | {(raw is { } r ? r.ToString("N0", CultureInfo.InvariantCulture) : "–")} | {(raw is { } q ? (storage / q).ToString("F2", CultureInfo.InvariantCulture) : "–")} |"));
            }
        }
    }

    /// <summary>Empties the queue and enqueues <paramref name="backlog"/> due webhooks.</summary>
    private static async Task FillAsync(OpsBackend backend, int backlog)
    {
        var table = OpsBackend.Tables.WebhookQueue;
        if (backend.IsPostgres)
        {
            await using var connection = await backend.Pg!.OpenConnectionAsync();
            await using var fill = new NpgsqlCommand($"""
                TRUNCATE {table};
                INSERT INTO {table} (id, tenant_id, url, payload, payload_raw, headers, event_type, status, attempts, max_attempts, next_attempt_at, created_at)
                SELECT 'drain-' || g, '{BenchEnv.Tenant}', 'https://merchant.example/hook', '{Payload}'::jsonb, '{Payload}', '{"{}"}', 'payment.succeeded',
                       'pending', 0, 5, now() - interval '1 minute' + g * interval '1 microsecond', now()
                  FROM generate_series(1, {backlog}) g;
                ANALYZE {table};
                """, connection);
            await fill.ExecuteNonQueryAsync();
            return;
        }
        // A drained queue holds only delivered webhooks: clear them so every run starts from the same backlog.
        await backend.Store.CleanupCompletedWebhooksAsync(DateTimeOffset.UtcNow.AddDays(1));
        var run = Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < backlog; i += 500)
        {
            var first = i;
            await backend.Store.InTransactionAsync(async (tx, ct) =>
            {
                for (var k = first; k < Math.Min(first + 500, backlog); k++)
                    await tx.EnqueueWebhookAsync(new PendingWebhook
                    {
                        Id = $"drain-{run}-{k}", Url = "https://merchant.example/hook", Payload = Payload, EventType = "payment.succeeded",
                    }, ct);
            });
        }
    }

    private static async Task<TimeSpan> DrainRawAsync(OpsBackend backend, int workers, int backlog, int batch)
    {
        await FillAsync(backend, backlog);
        return await DrainAsync(workers, backlog, () => RawClaimAndAckAsync(backend, batch));
    }

    /// <summary>How long <paramref name="workers"/> took to deliver the whole backlog, each webhook once.</summary>
    private static async Task<TimeSpan> DrainAsync(int workers, int backlog, Func<Task<string[]>> claimAndAck)
    {
        var seen = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal);
        var duplicates = 0;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var ids = await claimAndAck();
                if (ids.Length == 0) return;
                foreach (var id in ids)
                    if (!seen.TryAdd(id, 0)) Interlocked.Increment(ref duplicates);
            }
        })));
        var elapsed = watch.Elapsed;
        if (duplicates > 0 || seen.Count != backlog)
            throw new InvalidOperationException($"drain: {seen.Count:N0} of {backlog:N0} delivered, {duplicates} claimed twice");
        return elapsed;
    }

    private static async Task<string[]> RawClaimAndAckAsync(OpsBackend backend, int batch)
    {
        var table = OpsBackend.Tables.WebhookQueue;
        await using var connection = await backend.Pg!.OpenConnectionAsync();
        var claimed = new List<PendingWebhook>(batch);
        await using (var claim = new NpgsqlCommand($"""
            WITH due AS (SELECT id, next_attempt_at FROM {table} WHERE status = 'pending' AND next_attempt_at <= now()
                          ORDER BY next_attempt_at, id LIMIT $1 FOR UPDATE SKIP LOCKED),
              lapsed AS (SELECT id, next_attempt_at FROM {table} WHERE status = 'processing' AND locked_until <= now()
                          ORDER BY next_attempt_at, id LIMIT $1 FOR UPDATE SKIP LOCKED)
            UPDATE {table} SET status = 'processing', attempts = attempts + 1, last_attempt_at = now(),
                   locked_until = now() + interval '5 minutes', claim_token = md5(random()::text || clock_timestamp()::text)
             WHERE id IN (SELECT id FROM (SELECT * FROM due UNION ALL SELECT * FROM lapsed) ready ORDER BY next_attempt_at, id LIMIT $1)
            RETURNING {RawWebhook.For(pg: true)}
            """, connection))
        {
            claim.Parameters.Add(new() { Value = batch });
            await using var reader = await claim.ExecuteReaderAsync();
            while (await reader.ReadAsync()) claimed.Add(RawWebhook.Read(reader, pg: true));
        }
        if (claimed.Count == 0) return [];
        var ids = claimed.Select(w => w.Id).ToArray();
        await using var ack = new NpgsqlCommand($"""
            UPDATE {table} w SET status = 'success', completed_at = now(), locked_until = NULL, claim_token = NULL
              FROM unnest($1::text[], $2::text[]) AS h(id, token)
             WHERE w.id = h.id AND w.status = $3 AND w.claim_token = h.token
            """, connection);
        ack.Parameters.Add(new() { Value = ids });
        ack.Parameters.Add(new() { Value = claimed.Select(w => w.ClaimToken!).ToArray() });
        ack.Parameters.Add(new() { Value = "processing" }); // bound, as the storage binds it: a literal lets the plan scan the lease index
        await ack.ExecuteNonQueryAsync();
        return ids;
    }
}
