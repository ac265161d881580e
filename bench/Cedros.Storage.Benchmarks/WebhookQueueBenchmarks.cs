using System.Globalization;
using BenchmarkDotNet.Attributes;

namespace Cedros.Storage.Benchmarks;

/// <summary>
/// A delivery worker's round: claim up to 10 ready webhooks, then mark each delivered (11 writes). Before every
/// iteration the queue is refilled (outside the measurement) with exactly the webhooks that iteration will claim, so
/// each operation finds a full batch; delivered rows stay in the table. Baseline: the same claim statement
/// (PostgreSQL <c>FOR UPDATE SKIP LOCKED</c> CTE; SQLite <c>UPDATE … WHERE id IN (SELECT … LIMIT 10) RETURNING</c>)
/// reading only id and claim token, then one guarded <c>UPDATE … SET status = 'success'</c> per webhook.
/// </summary>
[InvocationCount(Invocations, 1)]
public class WebhookQueueBenchmarks : BackendBenchmark
{
    private const int Invocations = 24;
    private const int Limit = 10;
    private long _next;

    public static IEnumerable<BackendKind> Backends() => BenchEnv.Backends(BackendKind.Postgres, BackendKind.SqliteFull, BackendKind.SqliteNormal);

    [ParamsSource(nameof(Backends))]
    public override BackendKind Backend { get; set; }

    [GlobalSetup]
    public Task SetupAsync() => OpenAsync("webhooks", fresh: true, "webhook_queue");

    [IterationSetup]
    public void Refill() => Store.InTransactionAsync(async (tx, ct) =>
    {
        for (var i = 0; i < Invocations * Limit; i++)
        {
            var id = string.Create(CultureInfo.InvariantCulture, $"wh-{Interlocked.Increment(ref _next):D9}");
            await tx.EnqueueWebhookAsync(new PendingWebhook
            {
                Id = id,
                Url = "https://merchant.example.com/hooks/cedros",
                Payload = """{"type":"payment.succeeded","data":{"signature":"abc","amount":1000000}}""",
                Headers = new Dictionary<string, string> { ["X-Cedros-Signature"] = "t=1,v1=deadbeef" },
                EventType = "payment.succeeded",
            }, ct);
        }
    }).GetAwaiter().GetResult();

    [Benchmark(Baseline = true, Description = "raw claim + 10 UPDATEs")]
    public async Task<int> RawDequeueAndAck()
    {
        var now = Raw.Now();
        var claimed = new List<(string Id, string Token)>(Limit);
        if (IsPostgres)
        {
            await using (var claim = PgCommand("""
                WITH ready AS (
                    SELECT id AS ready_id FROM webhook_queue
                     WHERE (status = 'pending' AND next_attempt_at <= @now) OR (status = 'processing' AND locked_until <= @now)
                     ORDER BY next_attempt_at, id LIMIT @limit FOR UPDATE SKIP LOCKED)
                UPDATE webhook_queue w
                   SET status = 'processing', attempts = COALESCE(w.attempts, 0) + 1, last_attempt_at = @now,
                       locked_until = @until, claim_token = replace(gen_random_uuid()::text, '-', '')
                  FROM ready WHERE w.id = ready.ready_id
                RETURNING w.id, w.claim_token
                """))
            {
                claim.Parameters.AddWithValue("now", now.UtcDateTime);
                claim.Parameters.AddWithValue("until", now.AddMinutes(5).UtcDateTime);
                claim.Parameters.AddWithValue("limit", Limit);
                await using var reader = await claim.ExecuteReaderAsync();
                while (await reader.ReadAsync()) claimed.Add((reader.GetString(0), reader.GetString(1)));
            }
            foreach (var (id, token) in claimed)
            {
                await using var ack = PgCommand("""
                    UPDATE webhook_queue SET status = 'success', completed_at = @now, locked_until = NULL, claim_token = NULL
                     WHERE id = @id AND status = @held AND claim_token = @token
                    """);
                ack.Parameters.AddWithValue("now", Raw.Now().UtcDateTime);
                ack.Parameters.AddWithValue("id", id);
                ack.Parameters.AddWithValue("token", token);
                ack.Parameters.AddWithValue("held", "processing"); // bound, as the storage binds it: a literal lets the plan scan the lease index
                await ack.ExecuteNonQueryAsync();
            }
        }
        else
        {
            using (var claim = LiteCommand("""
                UPDATE webhook_queue SET status = 'processing', attempts = attempts + 1, last_attempt_at = @now, locked_until = @until,
                    claim_token = lower(hex(randomblob(16)))
                WHERE id IN (
                    SELECT id FROM webhook_queue
                    WHERE (status = 'pending' AND next_attempt_at <= @now) OR (status = 'processing' AND locked_until <= @now)
                    ORDER BY next_attempt_at, id LIMIT @limit)
                RETURNING id, claim_token
                """))
            {
                claim.Parameters.AddWithValue("@now", Raw.Micros(now));
                claim.Parameters.AddWithValue("@until", Raw.Micros(now.AddMinutes(5)));
                claim.Parameters.AddWithValue("@limit", Limit);
                using var reader = claim.ExecuteReader();
                while (reader.Read()) claimed.Add((reader.GetString(0), reader.GetString(1)));
            }
            foreach (var (id, token) in claimed)
            {
                using var ack = LiteCommand("""
                    UPDATE webhook_queue SET status = 'success', completed_at = @now, locked_until = NULL, claim_token = NULL
                     WHERE id = @id AND status = 'processing' AND claim_token = @token
                    """);
                ack.Parameters.AddWithValue("@now", Raw.Micros(Raw.Now()));
                ack.Parameters.AddWithValue("@id", id);
                ack.Parameters.AddWithValue("@token", token);
                ack.ExecuteNonQuery();
            }
        }
        return claimed.Count;
    }

    [Benchmark(Description = "DequeueWebhooksAsync(10) + 10 × MarkWebhookSuccessAsync")]
    public async Task<int> DequeueAndAck()
    {
        var claimed = await Store.DequeueWebhooksAsync(Limit);
        foreach (var webhook in claimed) await Store.MarkWebhookSuccessAsync(webhook.Id, webhook.ClaimToken!);
        return claimed.Count;
    }
}
