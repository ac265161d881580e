using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Sql;

namespace Cedros.Storage.Postgres;

/// <summary>Subscriptions of one tenant (contract §10); the shared statements are <see cref="SqlSubscriptions{TStore}"/>.</summary>
internal sealed class PostgresSubscriptionRepository(PostgresStore store) : SqlSubscriptions<PostgresStore>(store), ISubscriptionDriver
{
    private static readonly string InsertUnlessTaken = Insert + " ON CONFLICT DO NOTHING";

    public Task<SubscriptionWrite> InsertSubscriptionAsync(Subscription s, CancellationToken cancellationToken) =>
        // A duplicate id or Stripe subscription id inserts nothing; then which one is read.
        Store.RunAsync(async c =>
        {
            if (await c.ExecuteAsync(InsertUnlessTaken, Args(s)).ConfigureAwait(false) == 1) return SubscriptionWrite.Done;
            var idTaken = await c.RowAsync("SELECT EXISTS (SELECT 1 FROM [[subscriptions]] WHERE tenant_id = @t AND id = @id)",
                r => r.GetBoolean(0), ("t", Store.TenantId), ("id", s.Id)).ConfigureAwait(false);
            return idTaken ? SubscriptionWrite.IdTaken : SubscriptionWrite.StripeIdTaken;
        }, cancellationToken);

    /// <summary>A Stripe subscription id taken by another row fails the unique index (PostgresErrors names it).</summary>
    public async Task<SubscriptionWrite> ReplaceSubscriptionAsync(Subscription s, CancellationToken cancellationToken) =>
        await Store.ExecuteOneAsync(Replace, Args(s), cancellationToken).ConfigureAwait(false) ? SubscriptionWrite.Done : SubscriptionWrite.Missing;

    /// <summary>Moves the period in one conditional UPDATE (compare-and-set on the current end when expected).</summary>
    public Task<SubscriptionWrite> MoveSubscriptionPeriodAsync(string id, DateTimeOffset start, DateTimeOffset end, DateTimeOffset? expectedCurrentEnd,
        DateTimeOffset now, CancellationToken cancellationToken) =>
        Store.RunAsync(c => c.RowAsync("""
            WITH u AS (
                UPDATE [[subscriptions]] SET current_period_start = @start, current_period_end = @end, updated_at = @now
                 WHERE tenant_id = @t AND id = @id AND (@expected IS NULL OR current_period_end = @expected)
                RETURNING 1)
            SELECT EXISTS (SELECT 1 FROM u), EXISTS (SELECT 1 FROM [[subscriptions]] WHERE tenant_id = @t AND id = @id)
            """, r => r.GetBoolean(0) ? SubscriptionWrite.Done : r.GetBoolean(1) ? SubscriptionWrite.PeriodMoved : SubscriptionWrite.Missing,
            ("t", Store.TenantId), ("id", id), ("start", start), ("end", end), ("now", now), ("expected", PgCodec.Tz(expectedCurrentEnd))),
            cancellationToken);
}
