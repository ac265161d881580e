using Cedros.Storage.FrontDoor.Drivers;
using Microsoft.Data.Sqlite;
using static Cedros.Storage.Sqlite.SqliteRow;

namespace Cedros.Storage.Sqlite;

/// <summary>Subscriptions of one tenant; stripe_subscription_id is unique per tenant (unique index).</summary>
internal sealed class SqliteSubscriptionRepository(SqliteStore store) : ISubscriptionDriver
{
    private const string Columns = "tenant_id, id, product_id, wallet, stripe_customer_id, stripe_subscription_id, payment_method, " +
        "billing_period, billing_interval, status, current_period_start, current_period_end, trial_end, cancelled_at, " +
        "cancel_at_period_end, metadata, created_at, updated_at";
    private const string Live = "status IN ('active', 'trialing', 'past_due')";
    private const string NewestFirst = "ORDER BY created_at DESC, id DESC";

    private readonly SqliteStore _store = store;

    private static Subscription ReadSubscription(SqliteDataReader r) => new()
    {
        TenantId = r.Str(0),
        Id = r.Str(1),
        ProductId = r.Str(2),
        Wallet = r.StrOrNull(3),
        StripeCustomerId = r.StrOrNull(4),
        StripeSubscriptionId = r.StrOrNull(5),
        PaymentMethod = r.Str(6),
        BillingPeriod = r.Str(7),
        BillingInterval = r.Int(8),
        Status = r.Enum<SubscriptionStatus>(9),
        CurrentPeriodStart = r.Time(10),
        CurrentPeriodEnd = r.Time(11),
        TrialEnd = r.TimeOrNull(12),
        CancelledAt = r.TimeOrNull(13),
        CancelAtPeriodEnd = r.Bool(14),
        Metadata = r.Metadata(15),
        CreatedAt = r.Time(16),
        UpdatedAt = r.Time(17),
    };

    private (string, object?)[] Args(Subscription x) =>
    [
        _store.Tenant, ("@id", x.Id), ("@product_id", x.ProductId), ("@wallet", x.Wallet), ("@stripe_customer_id", x.StripeCustomerId),
        ("@stripe_subscription_id", x.StripeSubscriptionId), ("@payment_method", x.PaymentMethod), ("@billing_period", x.BillingPeriod),
        ("@billing_interval", (long)x.BillingInterval), ("@status", Text(x.Status)), ("@current_period_start", x.CurrentPeriodStart),
        ("@current_period_end", x.CurrentPeriodEnd), ("@trial_end", x.TrialEnd), ("@cancelled_at", x.CancelledAt),
        ("@cancel_at_period_end", x.CancelAtPeriodEnd), ("@metadata", Json(x.Metadata)), ("@created_at", x.CreatedAt),
        ("@updated_at", x.UpdatedAt),
    ];

    public Task<SubscriptionWrite> InsertSubscriptionAsync(Subscription x, CancellationToken cancellationToken) =>
        _store.WriteAsync(s =>
        {
            // Checks and insert in one write transaction (BEGIN IMMEDIATE): nobody can take the id or Stripe id meanwhile.
            if (s.Exists(_store.Sql("SELECT 1 FROM [[subscriptions]] WHERE tenant_id = @tenant AND id = @id"), _store.Tenant, ("@id", x.Id)))
                return SubscriptionWrite.IdTaken;
            if (StripeIdTaken(s, x)) return SubscriptionWrite.StripeIdTaken;
            s.Execute(_store.Sql($"""
                INSERT INTO [[subscriptions]] ({Columns})
                VALUES (@tenant, @id, @product_id, @wallet, @stripe_customer_id, @stripe_subscription_id, @payment_method, @billing_period,
                        @billing_interval, @status, @current_period_start, @current_period_end, @trial_end, @cancelled_at,
                        @cancel_at_period_end, @metadata, @created_at, @updated_at)
                """), Args(x));
            return SubscriptionWrite.Done;
        }, cancellationToken);

    public Task<Subscription?> SelectSubscriptionAsync(string id, CancellationToken cancellationToken) =>
        _store.ReadAsync(s => s.One(_store.Sql($"SELECT {Columns} FROM [[subscriptions]] WHERE tenant_id = @tenant AND id = @id"),
            ReadSubscription, _store.Tenant, ("@id", id)), cancellationToken);

    public Task<SubscriptionWrite> ReplaceSubscriptionAsync(Subscription x, CancellationToken cancellationToken) =>
        _store.WriteAsync(s =>
        {
            if (!s.Exists(_store.Sql("SELECT 1 FROM [[subscriptions]] WHERE tenant_id = @tenant AND id = @id"), _store.Tenant, ("@id", x.Id)))
                return SubscriptionWrite.Missing;
            if (StripeIdTaken(s, x)) return SubscriptionWrite.StripeIdTaken;
            s.Execute(_store.Sql("""
                UPDATE [[subscriptions]] SET product_id = @product_id, wallet = @wallet, stripe_customer_id = @stripe_customer_id,
                    stripe_subscription_id = @stripe_subscription_id, payment_method = @payment_method, billing_period = @billing_period,
                    billing_interval = @billing_interval, status = @status, current_period_start = @current_period_start,
                    current_period_end = @current_period_end, trial_end = @trial_end, cancelled_at = @cancelled_at,
                    cancel_at_period_end = @cancel_at_period_end, metadata = @metadata, updated_at = @updated_at
                WHERE tenant_id = @tenant AND id = @id
                """), Args(x));
            return SubscriptionWrite.Done;
        }, cancellationToken);

    public Task<Subscription?> SelectCurrentSubscriptionAsync(string wallet, string productId, DateTimeOffset now, CancellationToken cancellationToken) =>
        _store.ReadAsync(s => s.One(_store.Sql($"""
            SELECT {Columns} FROM [[subscriptions]]
            WHERE tenant_id = @tenant AND wallet = @wallet AND product_id = @product AND {Live}
              AND current_period_start <= @now AND @now < current_period_end
            {NewestFirst} LIMIT 1
            """), ReadSubscription, _store.Tenant, ("@wallet", wallet), ("@product", productId), ("@now", now)), cancellationToken);

    public Task<Subscription?> SelectSubscriptionByStripeIdAsync(string stripeSubscriptionId, CancellationToken cancellationToken) =>
        _store.ReadAsync(s => s.One(_store.Sql($"SELECT {Columns} FROM [[subscriptions]] WHERE tenant_id = @tenant AND stripe_subscription_id = @stripe"),
            ReadSubscription, _store.Tenant, ("@stripe", stripeSubscriptionId)), cancellationToken);

    public Task<IReadOnlyList<Subscription>> SelectSubscriptionsByCustomerAsync(string customerId, CancellationToken cancellationToken) =>
        List($"stripe_customer_id = @x {NewestFirst}", customerId, cancellationToken);

    public Task<IReadOnlyList<Subscription>> SelectSubscriptionsByProductAsync(string productId, CancellationToken cancellationToken) =>
        List($"product_id = @x {NewestFirst}", productId, cancellationToken);

    public Task<IReadOnlyList<Subscription>> SelectLiveSubscriptionsAsync(string? productId, CancellationToken cancellationToken) =>
        List($"{Live} AND (@x IS NULL OR product_id = @x) {NewestFirst}", productId, cancellationToken);

    public Task<IReadOnlyList<Subscription>> SelectLiveSubscriptionsEndingBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        List($"{Live} AND current_period_end < @x ORDER BY current_period_end, id", cutoff, cancellationToken);

    public Task<bool> SetSubscriptionStatusAsync(string id, SubscriptionStatus status, DateTimeOffset now, CancellationToken cancellationToken) =>
        // The first cancellation time is kept; other statuses leave cancelled_at as it was.
        _store.WriteAsync(s => s.Execute(_store.Sql("""
            UPDATE [[subscriptions]] SET status = @status, updated_at = @now,
                cancelled_at = CASE WHEN @status = 'cancelled' THEN coalesce(cancelled_at, @now) ELSE cancelled_at END
            WHERE tenant_id = @tenant AND id = @id
            """), _store.Tenant, ("@id", id), ("@status", Text(status)), ("@now", now)) == 1, cancellationToken);

    public Task<SubscriptionWrite> MoveSubscriptionPeriodAsync(string id, DateTimeOffset start, DateTimeOffset end, DateTimeOffset? expectedCurrentEnd,
        DateTimeOffset now, CancellationToken cancellationToken) =>
        _store.WriteAsync(s =>
        {
            // Compare-and-set on the current period end: a renewal that lost the race changes nothing.
            var updated = s.Execute(_store.Sql("""
                UPDATE [[subscriptions]] SET current_period_start = @start, current_period_end = @end, updated_at = @now
                WHERE tenant_id = @tenant AND id = @id AND (@expected IS NULL OR current_period_end = @expected)
                """), _store.Tenant, ("@id", id), ("@start", start), ("@end", end), ("@now", now), ("@expected", expectedCurrentEnd));
            if (updated == 1) return SubscriptionWrite.Done;
            return s.Exists(_store.Sql("SELECT 1 FROM [[subscriptions]] WHERE tenant_id = @tenant AND id = @id"), _store.Tenant, ("@id", id))
                ? SubscriptionWrite.PeriodMoved
                : SubscriptionWrite.Missing;
        }, cancellationToken);

    private Task<IReadOnlyList<Subscription>> List(string condition, object? x, CancellationToken cancellationToken) =>
        _store.ReadAsync<IReadOnlyList<Subscription>>(s => s.List(
            _store.Sql($"SELECT {Columns} FROM [[subscriptions]] WHERE tenant_id = @tenant AND {condition}"),
            ReadSubscription, _store.Tenant, ("@x", x)), cancellationToken);

    private bool StripeIdTaken(SqliteSession s, Subscription x) =>
        x.StripeSubscriptionId is not null
        && s.Exists(_store.Sql("SELECT 1 FROM [[subscriptions]] WHERE tenant_id = @tenant AND stripe_subscription_id = @stripe AND id <> @id"),
            _store.Tenant, ("@stripe", x.StripeSubscriptionId), ("@id", x.Id));
}
