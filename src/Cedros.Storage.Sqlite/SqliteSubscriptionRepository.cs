using Cedros.Storage.Internal;
using Cedros.Storage.Validation;
using Microsoft.Data.Sqlite;
using static Cedros.Storage.Sqlite.SqliteRow;

namespace Cedros.Storage.Sqlite;

/// <summary>Subscriptions of one tenant; stripe_subscription_id is unique per tenant (unique index).</summary>
internal sealed class SqliteSubscriptionRepository(SqliteStore store) : ISubscriptionRepository
{
    private const string Columns = "tenant_id, id, product_id, wallet, stripe_customer_id, stripe_subscription_id, payment_method, " +
        "billing_period, billing_interval, status, current_period_start, current_period_end, trial_end, cancelled_at, " +
        "cancel_at_period_end, metadata, created_at, updated_at";
    private const string Live = "status IN ('active', 'trialing', 'past_due')";
    private const string NewestFirst = "ORDER BY created_at DESC, id DESC";

    private readonly SqliteStore _store = store;
    private string Table => _store.Tables.Subscriptions.Quoted;

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

    public Task CreateAsync(Subscription subscription, CancellationToken cancellationToken)
    {
        var x = Prepare.Subscription(_store.TenantId, subscription, _store.Now);
        return _store.WriteAsync(s =>
        {
            if (s.Exists($"SELECT 1 FROM {Table} WHERE tenant_id = @tenant AND id = @id", _store.Tenant, ("@id", x.Id)))
                throw Conflicts.AlreadyExists("subscription", x.Id);
            RequireUniqueStripeId(s, x);
            s.Execute($"""
                INSERT INTO {Table} ({Columns})
                VALUES (@tenant, @id, @product_id, @wallet, @stripe_customer_id, @stripe_subscription_id, @payment_method, @billing_period,
                        @billing_interval, @status, @current_period_start, @current_period_end, @trial_end, @cancelled_at,
                        @cancel_at_period_end, @metadata, @created_at, @updated_at)
                """, Args(x));
        }, cancellationToken);
    }

    public Task<Subscription?> GetAsync(string id, CancellationToken cancellationToken)
    {
        Check.Id(id, "subscription id");
        return _store.ReadAsync(s => s.One($"SELECT {Columns} FROM {Table} WHERE tenant_id = @tenant AND id = @id",
            ReadSubscription, _store.Tenant, ("@id", id)), cancellationToken);
    }

    public Task UpdateAsync(Subscription subscription, CancellationToken cancellationToken)
    {
        var now = _store.Now;
        var x = Prepare.Subscription(_store.TenantId, subscription, now) with { UpdatedAt = now };
        return _store.WriteAsync(s =>
        {
            if (!s.Exists($"SELECT 1 FROM {Table} WHERE tenant_id = @tenant AND id = @id", _store.Tenant, ("@id", x.Id)))
                throw new StorageNotFoundException("subscription", x.Id);
            RequireUniqueStripeId(s, x);
            s.Execute($"""
                UPDATE {Table} SET product_id = @product_id, wallet = @wallet, stripe_customer_id = @stripe_customer_id,
                    stripe_subscription_id = @stripe_subscription_id, payment_method = @payment_method, billing_period = @billing_period,
                    billing_interval = @billing_interval, status = @status, current_period_start = @current_period_start,
                    current_period_end = @current_period_end, trial_end = @trial_end, cancelled_at = @cancelled_at,
                    cancel_at_period_end = @cancel_at_period_end, metadata = @metadata, updated_at = @updated_at
                WHERE tenant_id = @tenant AND id = @id
                """, Args(x));
        }, cancellationToken);
    }

    public Task DeleteAsync(string id, CancellationToken cancellationToken) => UpdateStatusAsync(id, SubscriptionStatus.Cancelled, cancellationToken);

    public Task<Subscription?> GetByWalletAsync(string wallet, string productId, CancellationToken cancellationToken)
    {
        Check.Required(wallet, "wallet");
        Check.Id(productId, "product_id");
        return _store.ReadAsync(s => s.One($"""
            SELECT {Columns} FROM {Table}
            WHERE tenant_id = @tenant AND wallet = @wallet AND product_id = @product AND {Live}
              AND current_period_start <= @now AND @now < current_period_end
            {NewestFirst} LIMIT 1
            """, ReadSubscription, _store.Tenant, ("@wallet", wallet), ("@product", productId), ("@now", _store.Now)), cancellationToken);
    }

    public Task<Subscription?> GetByStripeSubscriptionIdAsync(string stripeSubscriptionId, CancellationToken cancellationToken)
    {
        Check.Id(stripeSubscriptionId, "stripe_subscription_id");
        return _store.ReadAsync(s => s.One($"SELECT {Columns} FROM {Table} WHERE tenant_id = @tenant AND stripe_subscription_id = @stripe",
            ReadSubscription, _store.Tenant, ("@stripe", stripeSubscriptionId)), cancellationToken);
    }

    public Task<IReadOnlyList<Subscription>> GetByStripeCustomerIdAsync(string customerId, CancellationToken cancellationToken)
    {
        Check.Id(customerId, "stripe_customer_id");
        return _store.ReadAsync<IReadOnlyList<Subscription>>(s => s.List($"""
            SELECT {Columns} FROM {Table} WHERE tenant_id = @tenant AND stripe_customer_id = @customer {NewestFirst}
            """, ReadSubscription, _store.Tenant, ("@customer", customerId)), cancellationToken);
    }

    public Task<IReadOnlyList<Subscription>> ListByProductAsync(string productId, CancellationToken cancellationToken)
    {
        Check.Id(productId, "product_id");
        return _store.ReadAsync<IReadOnlyList<Subscription>>(s => s.List($"""
            SELECT {Columns} FROM {Table} WHERE tenant_id = @tenant AND product_id = @product {NewestFirst}
            """, ReadSubscription, _store.Tenant, ("@product", productId)), cancellationToken);
    }

    public Task<IReadOnlyList<Subscription>> ListActiveAsync(string? productId, CancellationToken cancellationToken)
    {
        if (productId is not null) Check.Id(productId, "product_id");
        return _store.ReadAsync<IReadOnlyList<Subscription>>(s => s.List($"""
            SELECT {Columns} FROM {Table} WHERE tenant_id = @tenant AND {Live} AND (@product IS NULL OR product_id = @product) {NewestFirst}
            """, ReadSubscription, _store.Tenant, ("@product", productId)), cancellationToken);
    }

    public Task<IReadOnlyList<Subscription>> ListExpiringAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        var cutoff = StorageTime.Micro(before);
        return _store.ReadAsync<IReadOnlyList<Subscription>>(s => s.List($"""
            SELECT {Columns} FROM {Table} WHERE tenant_id = @tenant AND {Live} AND current_period_end < @cutoff
            ORDER BY current_period_end, id
            """, ReadSubscription, _store.Tenant, ("@cutoff", cutoff)), cancellationToken);
    }

    public Task UpdateStatusAsync(string id, SubscriptionStatus status, CancellationToken cancellationToken)
    {
        Check.Id(id, "subscription id");
        Check.Defined(status, "status");
        return _store.WriteAsync(s =>
        {
            // The first cancellation time is kept; other statuses leave cancelled_at as it was.
            var updated = s.Execute($"""
                UPDATE {Table} SET status = @status, updated_at = @now,
                    cancelled_at = CASE WHEN @status = 'cancelled' THEN coalesce(cancelled_at, @now) ELSE cancelled_at END
                WHERE tenant_id = @tenant AND id = @id
                """, _store.Tenant, ("@id", id), ("@status", Text(status)), ("@now", _store.Now));
            if (updated == 0) throw new StorageNotFoundException("subscription", id);
        }, cancellationToken);
    }

    public Task ExtendPeriodAsync(string id, DateTimeOffset newStart, DateTimeOffset newEnd, CancellationToken cancellationToken) =>
        ExtendAsync(id, newStart, newEnd, null, cancellationToken);

    public Task ExtendPeriodAsync(string id, DateTimeOffset newStart, DateTimeOffset newEnd, DateTimeOffset expectedCurrentEnd,
        CancellationToken cancellationToken) =>
        ExtendAsync(id, newStart, newEnd, StorageTime.Micro(expectedCurrentEnd), cancellationToken);

    private Task ExtendAsync(string id, DateTimeOffset newStart, DateTimeOffset newEnd, DateTimeOffset? expectedCurrentEnd,
        CancellationToken cancellationToken)
    {
        var (start, end) = PrepareArguments.ExtendPeriod(id, newStart, newEnd);
        return _store.WriteAsync(s =>
        {
            // Compare-and-set on the current period end: a renewal that lost the race changes nothing.
            var updated = s.Execute($"""
                UPDATE {Table} SET current_period_start = @start, current_period_end = @end, updated_at = @now
                WHERE tenant_id = @tenant AND id = @id AND (@expected IS NULL OR current_period_end = @expected)
                """, _store.Tenant, ("@id", id), ("@start", start), ("@end", end), ("@now", _store.Now), ("@expected", expectedCurrentEnd));
            if (updated == 1) return;
            if (!s.Exists($"SELECT 1 FROM {Table} WHERE tenant_id = @tenant AND id = @id", _store.Tenant, ("@id", id)))
                throw new StorageNotFoundException("subscription", id);
            throw new StorageConflictException($"subscription '{id}' was renewed by someone else (its period no longer ends at the expected time).");
        }, cancellationToken);
    }

    private void RequireUniqueStripeId(SqliteSession s, Subscription x)
    {
        if (x.StripeSubscriptionId is null) return;
        if (s.Exists($"SELECT 1 FROM {Table} WHERE tenant_id = @tenant AND stripe_subscription_id = @stripe AND id <> @id",
                _store.Tenant, ("@stripe", x.StripeSubscriptionId), ("@id", x.Id)))
            throw Conflicts.StripeSubscriptionTaken(x.StripeSubscriptionId);
    }
}
