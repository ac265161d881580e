using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Sql;

namespace Cedros.Storage.Sqlite;

/// <summary>Subscriptions of one tenant; stripe_subscription_id is unique per tenant (unique index). The shared
/// statements are <see cref="SqlSubscriptions{TStore}"/>.</summary>
internal sealed class SqliteSubscriptionRepository(SqliteStore store) : SqlSubscriptions<SqliteStore>(store), ISubscriptionDriver
{
    public Task<SubscriptionWrite> InsertSubscriptionAsync(Subscription x, CancellationToken cancellationToken) =>
        Store.WriteAsync(s =>
        {
            // Checks and insert in one write transaction (BEGIN IMMEDIATE): nobody can take the id or Stripe id meanwhile.
            if (Exists(s, x.Id)) return SubscriptionWrite.IdTaken;
            if (StripeIdTaken(s, x)) return SubscriptionWrite.StripeIdTaken;
            s.Execute(Store.Sql(Insert), Args(x));
            return SubscriptionWrite.Done;
        }, cancellationToken);

    public Task<SubscriptionWrite> ReplaceSubscriptionAsync(Subscription x, CancellationToken cancellationToken) =>
        Store.WriteAsync(s =>
        {
            if (!Exists(s, x.Id)) return SubscriptionWrite.Missing;
            if (StripeIdTaken(s, x)) return SubscriptionWrite.StripeIdTaken;
            s.Execute(Store.Sql(Replace), Args(x));
            return SubscriptionWrite.Done;
        }, cancellationToken);

    public Task<SubscriptionWrite> MoveSubscriptionPeriodAsync(string id, DateTimeOffset start, DateTimeOffset end, DateTimeOffset? expectedCurrentEnd,
        DateTimeOffset now, CancellationToken cancellationToken) =>
        Store.WriteAsync(s =>
        {
            // Compare-and-set on the current period end: a renewal that lost the race changes nothing.
            var updated = s.Execute(Store.Sql("""
                UPDATE [[subscriptions]] SET current_period_start = @start, current_period_end = @end, updated_at = @now
                WHERE tenant_id = @tenant AND id = @id AND (@expected IS NULL OR current_period_end = @expected)
                """), Store.Tenant, ("@id", id), ("@start", start), ("@end", end), ("@now", now), ("@expected", expectedCurrentEnd));
            if (updated == 1) return SubscriptionWrite.Done;
            return Exists(s, id) ? SubscriptionWrite.PeriodMoved : SubscriptionWrite.Missing;
        }, cancellationToken);

    private bool Exists(SqliteSession s, string id) =>
        s.Exists(Store.Sql("SELECT 1 FROM [[subscriptions]] WHERE tenant_id = @tenant AND id = @id"), Store.Tenant, ("@id", id));

    private bool StripeIdTaken(SqliteSession s, Subscription x) =>
        x.StripeSubscriptionId is not null
        && s.Exists(Store.Sql("SELECT 1 FROM [[subscriptions]] WHERE tenant_id = @tenant AND stripe_subscription_id = @stripe AND id <> @id"),
            Store.Tenant, ("@stripe", x.StripeSubscriptionId), ("@id", x.Id));
}
