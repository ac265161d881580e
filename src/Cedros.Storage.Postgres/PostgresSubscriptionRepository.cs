using Cedros.Storage.Internal;
using Cedros.Storage.Validation;
using Npgsql;

namespace Cedros.Storage.Postgres;

/// <summary>Subscriptions of one tenant (contract §10).</summary>
internal sealed class PostgresSubscriptionRepository(PostgresStore store) : ISubscriptionRepository
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

    public Task CreateAsync(Subscription subscription, CancellationToken cancellationToken)
    {
        var s = Prepare.Subscription(_store.TenantId, subscription, _store.Now);
        // A duplicate id or Stripe subscription id inserts nothing → Conflict naming which.
        return _store.RunAsync(async c =>
        {
            var inserted = await c.ExecuteAsync("""
            INSERT INTO [[subscriptions]] (id, tenant_id, product_id, wallet, stripe_customer_id, stripe_subscription_id, payment_method,
                billing_period, billing_interval, status, current_period_start, current_period_end, trial_end, cancelled_at,
                cancel_at_period_end, metadata, created_at, updated_at)
            VALUES (@id, @t, @product, @wallet, @customer, @stripe, @method, @period, @interval, @status, @start, @end, @trial, @cancelled,
                @cancel_at_end, @meta, @created, @updated)
            ON CONFLICT DO NOTHING
            """, Args(s)).ConfigureAwait(false);
            if (inserted == 1) return;
            var idTaken = await c.RowAsync("SELECT EXISTS (SELECT 1 FROM [[subscriptions]] WHERE tenant_id = @t AND id = @id)",
                r => r.GetBoolean(0), ("t", _store.TenantId), ("id", s.Id)).ConfigureAwait(false);
            throw idTaken ? Conflicts.AlreadyExists("subscription", s.Id) : Conflicts.StripeSubscriptionTaken(s.StripeSubscriptionId);
        }, cancellationToken);
    }

    public Task<Subscription?> GetAsync(string id, CancellationToken cancellationToken)
    {
        Check.Id(id, "subscription id");
        return _store.RunAsync(c => c.OneAsync($"SELECT {SubscriptionColumns} FROM [[subscriptions]] WHERE tenant_id = @t AND id = @id",
            ReadSubscription, ("t", _store.TenantId), ("id", id)), cancellationToken);
    }

    public Task UpdateAsync(Subscription subscription, CancellationToken cancellationToken)
    {
        var now = _store.Now;
        var s = Prepare.Subscription(_store.TenantId, subscription, now) with { UpdatedAt = now };
        return _store.RunAsync(async c =>
        {
            var updated = await c.ExecuteAsync("""
                UPDATE [[subscriptions]] SET product_id = @product, wallet = @wallet, stripe_customer_id = @customer,
                       stripe_subscription_id = @stripe, payment_method = @method, billing_period = @period, billing_interval = @interval,
                       status = @status, current_period_start = @start, current_period_end = @end, trial_end = @trial,
                       cancelled_at = @cancelled, cancel_at_period_end = @cancel_at_end, metadata = @meta, updated_at = @updated
                 WHERE tenant_id = @t AND id = @id
                """, Args(s)).ConfigureAwait(false);
            if (updated == 0) throw new StorageNotFoundException("subscription", s.Id);
        }, cancellationToken);
    }

    public Task DeleteAsync(string id, CancellationToken cancellationToken) => UpdateStatusAsync(id, SubscriptionStatus.Cancelled, cancellationToken);

    public Task<Subscription?> GetByWalletAsync(string wallet, string productId, CancellationToken cancellationToken)
    {
        Check.Required(wallet, "wallet");
        Check.Id(productId, "product_id");
        return _store.RunAsync(c => c.OneAsync($"""
            SELECT {SubscriptionColumns} FROM [[subscriptions]]
             WHERE tenant_id = @t AND wallet = @wallet AND product_id = @product AND {Live}
               AND current_period_start <= @now AND @now < current_period_end
             {NewestFirst} LIMIT 1
            """, ReadSubscription, ("t", _store.TenantId), ("wallet", wallet), ("product", productId), ("now", _store.Now)), cancellationToken);
    }

    public Task<Subscription?> GetByStripeSubscriptionIdAsync(string stripeSubscriptionId, CancellationToken cancellationToken)
    {
        Check.Id(stripeSubscriptionId, "stripe_subscription_id");
        return _store.RunAsync(c => c.OneAsync($"SELECT {SubscriptionColumns} FROM [[subscriptions]] WHERE tenant_id = @t AND stripe_subscription_id = @s",
            ReadSubscription, ("t", _store.TenantId), ("s", stripeSubscriptionId)), cancellationToken);
    }

    public Task<IReadOnlyList<Subscription>> GetByStripeCustomerIdAsync(string customerId, CancellationToken cancellationToken)
    {
        Check.Id(customerId, "stripe_customer_id");
        return List($"WHERE tenant_id = @t AND stripe_customer_id = @x {NewestFirst}", customerId, cancellationToken);
    }

    public Task<IReadOnlyList<Subscription>> ListByProductAsync(string productId, CancellationToken cancellationToken)
    {
        Check.Id(productId, "product_id");
        return List($"WHERE tenant_id = @t AND product_id = @x {NewestFirst}", productId, cancellationToken);
    }

    public Task<IReadOnlyList<Subscription>> ListActiveAsync(string? productId, CancellationToken cancellationToken)
    {
        if (productId is not null) Check.Id(productId, "product_id");
        return productId is null
            ? List($"WHERE tenant_id = @t AND {Live} {NewestFirst}", null, cancellationToken)
            : List($"WHERE tenant_id = @t AND {Live} AND product_id = @x {NewestFirst}", productId, cancellationToken);
    }

    public Task<IReadOnlyList<Subscription>> ListExpiringAsync(DateTimeOffset before, CancellationToken cancellationToken) =>
        List($"WHERE tenant_id = @t AND {Live} AND current_period_end < @x ORDER BY current_period_end, id COLLATE \"C\"", StorageTime.Micro(before), cancellationToken);

    public Task UpdateStatusAsync(string id, SubscriptionStatus status, CancellationToken cancellationToken)
    {
        Check.Id(id, "subscription id");
        Check.Defined(status, "status");
        return _store.RunAsync(async c =>
        {
            // The first cancellation time is kept; other statuses leave cancelled_at as it was.
            var updated = await c.ExecuteAsync("""
                UPDATE [[subscriptions]] SET status = @status, updated_at = @now,
                       cancelled_at = CASE WHEN @status = 'cancelled' THEN COALESCE(cancelled_at, @now) ELSE cancelled_at END
                 WHERE tenant_id = @t AND id = @id
                """, ("t", _store.TenantId), ("id", id), ("status", PgRow.Text(status)), ("now", _store.Now)).ConfigureAwait(false);
            if (updated == 0) throw new StorageNotFoundException("subscription", id);
        }, cancellationToken);
    }

    public Task ExtendPeriodAsync(string id, DateTimeOffset newStart, DateTimeOffset newEnd, CancellationToken cancellationToken) =>
        ExtendAsync(id, newStart, newEnd, null, cancellationToken);

    public Task ExtendPeriodAsync(string id, DateTimeOffset newStart, DateTimeOffset newEnd, DateTimeOffset expectedCurrentEnd,
        CancellationToken cancellationToken) =>
        ExtendAsync(id, newStart, newEnd, StorageTime.Micro(expectedCurrentEnd), cancellationToken);

    /// <summary>Moves the period in one conditional UPDATE (compare-and-set on the current end when expected).</summary>
    private Task ExtendAsync(string id, DateTimeOffset newStart, DateTimeOffset newEnd, DateTimeOffset? expectedCurrentEnd, CancellationToken cancellationToken)
    {
        var (start, end) = PrepareArguments.ExtendPeriod(id, newStart, newEnd);
        return _store.RunAsync(async c =>
        {
            var (updated, exists) = await c.RowAsync("""
                WITH u AS (
                    UPDATE [[subscriptions]] SET current_period_start = @start, current_period_end = @end, updated_at = @now
                     WHERE tenant_id = @t AND id = @id AND (@expected IS NULL OR current_period_end = @expected)
                    RETURNING 1)
                SELECT EXISTS (SELECT 1 FROM u), EXISTS (SELECT 1 FROM [[subscriptions]] WHERE tenant_id = @t AND id = @id)
                """, r => (r.GetBoolean(0), r.GetBoolean(1)), ("t", _store.TenantId), ("id", id), ("start", start), ("end", end),
                ("now", _store.Now), ("expected", PostgresStore.Tz(expectedCurrentEnd))).ConfigureAwait(false);
            if (updated) return;
            if (!exists) throw new StorageNotFoundException("subscription", id);
            throw new StorageConflictException($"subscription '{id}' was renewed by someone else (its period no longer ends at the expected time).");
        }, cancellationToken);
    }

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
