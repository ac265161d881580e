using Cedros.Storage.FrontDoor.Drivers;
using Npgsql;

namespace Cedros.Storage.Postgres;

/// <summary>Subscriptions of one tenant (contract §10).</summary>
internal sealed class PostgresSubscriptionRepository(PostgresStore store) : ISubscriptionDriver
{
    private const string SubscriptionColumns = "id, tenant_id, product_id, wallet, stripe_customer_id, stripe_subscription_id, payment_method, " +
        "billing_period, billing_interval, status, current_period_start, current_period_end, trial_end, cancelled_at, cancel_at_period_end, " +
        "metadata, created_at, updated_at";

    private const string Live = "status IN ('active', 'trialing', 'past_due')";
    private const string NewestFirst = "ORDER BY created_at DESC, id COLLATE \"C\" DESC";

    private readonly PostgresStore _store = store;

    private static Subscription ReadSubscription(NpgsqlDataReader r) => new()
    {
        Id = r.GetString(0),
        TenantId = r.GetString(1),
        ProductId = PgRow.Str(r, 2),
        Wallet = PgRow.OptStr(r, 3),
        StripeCustomerId = PgRow.OptStr(r, 4),
        StripeSubscriptionId = PgRow.OptStr(r, 5),
        PaymentMethod = PgRow.Str(r, 6),
        BillingPeriod = PgRow.OptStr(r, 7) ?? "month",
        BillingInterval = PgRow.Int(r, 8, 1),
        Status = PgRow.Enum(r, 9, SubscriptionStatus.Active),
        CurrentPeriodStart = PgRow.Time(r, 10),
        CurrentPeriodEnd = PgRow.Time(r, 11),
        TrialEnd = PgRow.OptTime(r, 12),
        CancelledAt = PgRow.OptTime(r, 13),
        CancelAtPeriodEnd = PgRow.Bool(r, 14),
        Metadata = PgRow.Meta(r, 15),
        CreatedAt = PgRow.Time(r, 16),
        UpdatedAt = PgRow.Time(r, 17),
    };

    public Task<SubscriptionWrite> InsertSubscriptionAsync(Subscription s, CancellationToken cancellationToken) =>
        // A duplicate id or Stripe subscription id inserts nothing; then which one is read.
        _store.RunAsync(async c =>
        {
            var inserted = await c.ExecuteAsync("""
            INSERT INTO [[subscriptions]] (id, tenant_id, product_id, wallet, stripe_customer_id, stripe_subscription_id, payment_method,
                billing_period, billing_interval, status, current_period_start, current_period_end, trial_end, cancelled_at,
                cancel_at_period_end, metadata, created_at, updated_at)
            VALUES (@id, @t, @product, @wallet, @customer, @stripe, @method, @period, @interval, @status, @start, @end, @trial, @cancelled,
                @cancel_at_end, @meta, @created, @updated)
            ON CONFLICT DO NOTHING
            """, Args(s)).ConfigureAwait(false);
            if (inserted == 1) return SubscriptionWrite.Done;
            var idTaken = await c.RowAsync("SELECT EXISTS (SELECT 1 FROM [[subscriptions]] WHERE tenant_id = @t AND id = @id)",
                r => r.GetBoolean(0), ("t", _store.TenantId), ("id", s.Id)).ConfigureAwait(false);
            return idTaken ? SubscriptionWrite.IdTaken : SubscriptionWrite.StripeIdTaken;
        }, cancellationToken);

    public Task<Subscription?> SelectSubscriptionAsync(string id, CancellationToken cancellationToken) =>
        _store.RunAsync(c => c.OneAsync($"SELECT {SubscriptionColumns} FROM [[subscriptions]] WHERE tenant_id = @t AND id = @id",
            ReadSubscription, ("t", _store.TenantId), ("id", id)), cancellationToken);

    /// <summary>A Stripe subscription id taken by another row fails the unique index (PostgresErrors names it).</summary>
    public Task<SubscriptionWrite> ReplaceSubscriptionAsync(Subscription s, CancellationToken cancellationToken) =>
        _store.RunAsync(async c => await c.ExecuteAsync("""
            UPDATE [[subscriptions]] SET product_id = @product, wallet = @wallet, stripe_customer_id = @customer,
                   stripe_subscription_id = @stripe, payment_method = @method, billing_period = @period, billing_interval = @interval,
                   status = @status, current_period_start = @start, current_period_end = @end, trial_end = @trial,
                   cancelled_at = @cancelled, cancel_at_period_end = @cancel_at_end, metadata = @meta, updated_at = @updated
             WHERE tenant_id = @t AND id = @id
            """, Args(s)).ConfigureAwait(false) == 1 ? SubscriptionWrite.Done : SubscriptionWrite.Missing, cancellationToken);

    public Task<Subscription?> SelectCurrentSubscriptionAsync(string wallet, string productId, DateTimeOffset now, CancellationToken cancellationToken) =>
        _store.RunAsync(c => c.OneAsync($"""
            SELECT {SubscriptionColumns} FROM [[subscriptions]]
             WHERE tenant_id = @t AND wallet = @wallet AND product_id = @product AND {Live}
               AND current_period_start <= @now AND @now < current_period_end
             {NewestFirst} LIMIT 1
            """, ReadSubscription, ("t", _store.TenantId), ("wallet", wallet), ("product", productId), ("now", now)), cancellationToken);

    public Task<Subscription?> SelectSubscriptionByStripeIdAsync(string stripeSubscriptionId, CancellationToken cancellationToken) =>
        _store.RunAsync(c => c.OneAsync($"SELECT {SubscriptionColumns} FROM [[subscriptions]] WHERE tenant_id = @t AND stripe_subscription_id = @s",
            ReadSubscription, ("t", _store.TenantId), ("s", stripeSubscriptionId)), cancellationToken);

    public Task<IReadOnlyList<Subscription>> SelectSubscriptionsByCustomerAsync(string customerId, CancellationToken cancellationToken) =>
        List($"WHERE tenant_id = @t AND stripe_customer_id = @x {NewestFirst}", customerId, cancellationToken);

    public Task<IReadOnlyList<Subscription>> SelectSubscriptionsByProductAsync(string productId, CancellationToken cancellationToken) =>
        List($"WHERE tenant_id = @t AND product_id = @x {NewestFirst}", productId, cancellationToken);

    public Task<IReadOnlyList<Subscription>> SelectLiveSubscriptionsAsync(string? productId, CancellationToken cancellationToken) =>
        productId is null
            ? List($"WHERE tenant_id = @t AND {Live} {NewestFirst}", null, cancellationToken)
            : List($"WHERE tenant_id = @t AND {Live} AND product_id = @x {NewestFirst}", productId, cancellationToken);

    public Task<IReadOnlyList<Subscription>> SelectLiveSubscriptionsEndingBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        List($"WHERE tenant_id = @t AND {Live} AND current_period_end < @x ORDER BY current_period_end, id COLLATE \"C\"", cutoff, cancellationToken);

    public Task<bool> SetSubscriptionStatusAsync(string id, SubscriptionStatus status, DateTimeOffset now, CancellationToken cancellationToken) =>
        // The first cancellation time is kept; other statuses leave cancelled_at as it was.
        _store.RunAsync(async c => await c.ExecuteAsync("""
            UPDATE [[subscriptions]] SET status = @status, updated_at = @now,
                   cancelled_at = CASE WHEN @status = 'cancelled' THEN COALESCE(cancelled_at, @now) ELSE cancelled_at END
             WHERE tenant_id = @t AND id = @id
            """, ("t", _store.TenantId), ("id", id), ("status", PgRow.Text(status)), ("now", now)).ConfigureAwait(false) == 1, cancellationToken);

    /// <summary>Moves the period in one conditional UPDATE (compare-and-set on the current end when expected).</summary>
    public Task<SubscriptionWrite> MoveSubscriptionPeriodAsync(string id, DateTimeOffset start, DateTimeOffset end, DateTimeOffset? expectedCurrentEnd,
        DateTimeOffset now, CancellationToken cancellationToken) =>
        _store.RunAsync(c => c.RowAsync("""
            WITH u AS (
                UPDATE [[subscriptions]] SET current_period_start = @start, current_period_end = @end, updated_at = @now
                 WHERE tenant_id = @t AND id = @id AND (@expected IS NULL OR current_period_end = @expected)
                RETURNING 1)
            SELECT EXISTS (SELECT 1 FROM u), EXISTS (SELECT 1 FROM [[subscriptions]] WHERE tenant_id = @t AND id = @id)
            """, r => r.GetBoolean(0) ? SubscriptionWrite.Done : r.GetBoolean(1) ? SubscriptionWrite.PeriodMoved : SubscriptionWrite.Missing,
            ("t", _store.TenantId), ("id", id), ("start", start), ("end", end), ("now", now), ("expected", PostgresStore.Tz(expectedCurrentEnd))),
            cancellationToken);

    private Task<IReadOnlyList<Subscription>> List(string where, object? x, CancellationToken cancellationToken) =>
        _store.RunAsync<IReadOnlyList<Subscription>>(async c => await c.ListAsync($"SELECT {SubscriptionColumns} FROM [[subscriptions]] {where}",
            ReadSubscription, ("t", _store.TenantId), ("x", x)).ConfigureAwait(false), cancellationToken);

    private (string, object?)[] Args(Subscription s) =>
    [
        ("id", s.Id), ("t", _store.TenantId), ("product", s.ProductId), ("wallet", s.Wallet), ("customer", s.StripeCustomerId),
        ("stripe", s.StripeSubscriptionId), ("method", s.PaymentMethod), ("period", s.BillingPeriod), ("interval", s.BillingInterval),
        ("status", PgRow.Text(s.Status)), ("start", s.CurrentPeriodStart), ("end", s.CurrentPeriodEnd), ("trial", PostgresStore.Tz(s.TrialEnd)),
        ("cancelled", PostgresStore.Tz(s.CancelledAt)), ("cancel_at_end", s.CancelAtPeriodEnd), ("meta", PgRow.Json(s.Metadata)),
        ("created", s.CreatedAt), ("updated", s.UpdatedAt),
    ];
}
