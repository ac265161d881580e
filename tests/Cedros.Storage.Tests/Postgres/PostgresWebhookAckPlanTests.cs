using Cedros.Storage.Postgres;
using Cedros.Storage.Tests.Backends;

namespace Cedros.Storage.Tests.Postgres;

/// <summary>
/// An acknowledgement reads its webhook by id. Written as <c>status = 'processing'</c>, its condition matched the lease
/// index's predicate, and a generic plan made right after a vacuum (when that index is a page) scanned the whole lease
/// index for the id instead of reading the primary key: a plan the prepared statement keeps while every acknowledged
/// claim leaves a dead entry in that index until the next vacuum (the bench: two lease-index scans per claim and ack,
/// tens of thousands of dead entries a minute at 1,500/s). Every acknowledgement, single or batch, success or failure,
/// must read the primary key.
/// </summary>
public sealed class PostgresWebhookAckPlanTests(PostgresFixture fixture) : IClassFixture<PostgresFixture>
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Every_acknowledgement_reads_the_webhook_by_its_key_even_when_the_lease_index_is_one_page()
    {
        var cs = await fixture.CreateSchemaAsync();
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(Now);
        var claimer = await PostgresStorage.OpenAsync(fixture.Options(cs), clock);
        var queue = claimer.ForTenant("tenant-a");
        for (var i = 0; i < 30; i++) await queue.EnqueueWebhookAsync(Conformance.Make.Webhook($"wh-{i:D2}") with { NextAttemptAt = Now.AddMinutes(-1) });
        // A table of delivered webhooks, its statistics fresh and its lease index one empty page; then 30 claims, as a
        // vacuum finds a queue between busy moments.
        await PostgresLegacyDatabase.ExecAsync(cs, """
            ALTER TABLE webhook_queue SET (autovacuum_enabled = false);
            INSERT INTO webhook_queue (id, tenant_id, url, payload, headers, event_type, status, attempts, max_attempts,
                                       next_attempt_at, created_at, completed_at)
            SELECT 'done-' || g, 'tenant-a', 'https://merchant.example/hooks', '{}'::jsonb, '{}'::jsonb, 'order.paid', 'success', 1, 5,
                   '2026-03-01 11:00:00', '2026-03-01 11:00:00', '2026-03-01 11:00:01'
              FROM generate_series(1, 60000) AS g;
            """);
        await PostgresLegacyDatabase.ExecAsync(cs, "VACUUM ANALYZE webhook_queue");
        var claimed = await queue.DequeueWebhooksAsync(30);
        Assert.Equal(30, claimed.Count);
        await claimer.DisposeAsync();
        // The claim's own read of the lease index is counted before the acknowledgements start.
        await PostgresIndexScans.ReadAsync(cs, "webhook_queue", s => s.GetValueOrDefault("idx_webhook_queue_leases") >= 1);

        // Every execution takes the generic plan, as a prepared statement does after its first five.
        var acker = await PostgresStorage.OpenAsync(fixture.Options(cs + ";Options=-c plan_cache_mode=force_generic_plan"), clock);
        var tenant = acker.ForTenant("tenant-a");
        var scans = await PostgresIndexScans.DuringAsync(cs, "webhook_queue", "webhook_queue_pkey", 20, async () =>
        {
            for (var i = 0; i < 10; i++) await tenant.MarkWebhookSuccessAsync(claimed[i].Id, claimed[i].ClaimToken!);
            for (var i = 10; i < 20; i++)
                await tenant.MarkWebhookFailedAsync(claimed[i].Id, "timeout", Now.AddMinutes(1), claimed[i].ClaimToken!);
            Assert.Equal(5, (await tenant.MarkWebhooksSuccessAsync(claimed.Skip(20).Take(5).ToArray())).Acknowledged.Count);
            Assert.Equal(5, (await tenant.MarkWebhooksFailedAsync(
                claimed.Skip(25).Select(w => new WebhookFailure(w, "timeout", Now.AddMinutes(1))).ToArray())).Acknowledged.Count);
            await acker.DisposeAsync();
        });
        Assert.True(scans.GetValueOrDefault("webhook_queue_pkey") >= 20, PostgresIndexScans.Describe(scans));
        Assert.True(scans.GetValueOrDefault("idx_webhook_queue_leases") == 0, PostgresIndexScans.Describe(scans));
    }
}
