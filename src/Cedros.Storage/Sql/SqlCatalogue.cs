using Cedros.Storage.Schema.Rows;
using static Cedros.Storage.Sql.SqlCodec;

namespace Cedros.Storage.Sql;

/// <summary>The product statements both SQL backends run alike; a backend adds the deactivation.</summary>
internal abstract class SqlProducts<TStore>(TStore store)
    where TStore : SqlDriver
{
    private static readonly string Insert = $"INSERT INTO [[products]] ({ProductRow.Columns}) VALUES ({ProductRow.Values}) ON CONFLICT DO NOTHING";

    protected TStore Store { get; } = store;

    public Task<Product?> SelectActiveProductAsync(string id, CancellationToken cancellationToken) =>
        Store.OneAsync($"SELECT {ProductRow.Columns} FROM [[products]] WHERE tenant_id = @tenant AND id = @id AND active = TRUE",
            Store.Codec.Rows.Product, [Store.Tenant, ("@id", id)], cancellationToken);

    public Task<Product?> SelectActiveProductByStripePriceAsync(string stripePriceId, CancellationToken cancellationToken) =>
        Store.OneAsync($"""
            SELECT {ProductRow.Columns} FROM [[products]] WHERE tenant_id = @tenant AND stripe_price_id = @price AND active = TRUE
             ORDER BY id COLLATE {SqlDriver.C} LIMIT 1
            """, Store.Codec.Rows.Product, [Store.Tenant, ("@price", stripePriceId)], cancellationToken);

    public Task<IReadOnlyList<Product>> SelectActiveProductsAsync(CancellationToken cancellationToken) =>
        Store.ReadOnlyListAsync($"SELECT {ProductRow.Columns} FROM [[products]] WHERE tenant_id = @tenant AND active = TRUE ORDER BY id COLLATE {SqlDriver.C}",
            Store.Codec.Rows.Product, [Store.Tenant], cancellationToken);

    public Task<bool> InsertProductAsync(Product p, CancellationToken cancellationToken) =>
        Store.ExecuteOneAsync(Insert, ProductRow.Args(p, Store.TenantId, Store.Codec), cancellationToken);

    /// <summary>created_at belongs to the stored row.</summary>
    public Task<bool> ReplaceProductAsync(Product p, CancellationToken cancellationToken) =>
        Store.ExecuteOneAsync("""
            UPDATE [[products]] SET description = @description, fiat_amount = @fiat_amount, fiat_currency = @fiat_currency,
                   stripe_price_id = @stripe_price_id, crypto_amount = @crypto_amount, crypto_token = @crypto_token,
                   crypto_account = @crypto_account, memo_template = @memo_template, metadata = @metadata, active = @active,
                   subscription_config = @subscription_config, updated_at = @updated_at
             WHERE tenant_id = @tenant_id AND id = @id
            """, ProductRow.Args(p, Store.TenantId, Store.Codec), cancellationToken);
}

/// <summary>The coupon statements both SQL backends run alike; a backend adds the lookups by code (case-insensitive
/// its own way) and the conditional updates.</summary>
internal abstract class SqlCoupons<TStore>(TStore store)
    where TStore : SqlDriver
{
    private static readonly string Insert = $"INSERT INTO [[coupons]] ({CouponRow.Columns}) VALUES ({CouponRow.Values}) ON CONFLICT DO NOTHING";

    /// <summary>Codes in ordinal order of their upper case, then of themselves.</summary>
    protected const string CodeOrder = $"ORDER BY upper(code) COLLATE {SqlDriver.C}, code COLLATE {SqlDriver.C}";

    protected TStore Store { get; } = store;

    public Task<IReadOnlyList<Coupon>> SelectActiveCouponsAsync(CancellationToken cancellationToken) =>
        Store.ReadOnlyListAsync($"SELECT {CouponRow.Columns} FROM [[coupons]] WHERE tenant_id = @tenant AND active = TRUE {CodeOrder}",
            Store.Codec.Rows.Coupon, [Store.Tenant], cancellationToken);

    public Task<bool> InsertCouponAsync(Coupon c, CancellationToken cancellationToken) =>
        Store.ExecuteOneAsync(Insert, CouponRow.Args(c, Store.TenantId, Store.Codec), cancellationToken);
}

/// <summary>The subscription statements both SQL backends run alike; a backend adds the writes that check a key.</summary>
internal abstract class SqlSubscriptions<TStore>(TStore store)
    where TStore : SqlDriver
{
    protected static readonly string Insert = $"INSERT INTO [[subscriptions]] ({SubscriptionRow.Columns}) VALUES ({SubscriptionRow.Values})";

    protected const string Replace = """
        UPDATE [[subscriptions]] SET product_id = @product_id, wallet = @wallet, stripe_customer_id = @stripe_customer_id,
               stripe_subscription_id = @stripe_subscription_id, payment_method = @payment_method, billing_period = @billing_period,
               billing_interval = @billing_interval, status = @status, current_period_start = @current_period_start,
               current_period_end = @current_period_end, trial_end = @trial_end, cancelled_at = @cancelled_at,
               cancel_at_period_end = @cancel_at_period_end, metadata = @metadata, updated_at = @updated_at
         WHERE tenant_id = @tenant_id AND id = @id
        """;

    private const string Live = "status IN ('active', 'trialing', 'past_due')";
    private const string NewestFirst = $"ORDER BY created_at DESC, id COLLATE {SqlDriver.C} DESC";

    protected TStore Store { get; } = store;

    public Task<Subscription?> SelectSubscriptionAsync(string id, CancellationToken cancellationToken) =>
        Store.OneAsync($"SELECT {SubscriptionRow.Columns} FROM [[subscriptions]] WHERE tenant_id = @tenant AND id = @id",
            Store.Codec.Rows.Subscription, [Store.Tenant, ("@id", id)], cancellationToken);

    public Task<Subscription?> SelectCurrentSubscriptionAsync(string wallet, string productId, DateTimeOffset now, CancellationToken cancellationToken) =>
        Store.OneAsync($"""
            SELECT {SubscriptionRow.Columns} FROM [[subscriptions]]
             WHERE tenant_id = @tenant AND wallet = @wallet AND product_id = @product AND {Live}
               AND current_period_start <= @now AND @now < current_period_end
             {NewestFirst} LIMIT 1
            """, Store.Codec.Rows.Subscription, [Store.Tenant, ("@wallet", wallet), ("@product", productId), ("@now", now)], cancellationToken);

    public Task<Subscription?> SelectSubscriptionByStripeIdAsync(string stripeSubscriptionId, CancellationToken cancellationToken) =>
        Store.OneAsync($"SELECT {SubscriptionRow.Columns} FROM [[subscriptions]] WHERE tenant_id = @tenant AND stripe_subscription_id = @stripe",
            Store.Codec.Rows.Subscription, [Store.Tenant, ("@stripe", stripeSubscriptionId)], cancellationToken);

    public Task<IReadOnlyList<Subscription>> SelectSubscriptionsByCustomerAsync(string customerId, CancellationToken cancellationToken) =>
        List($"stripe_customer_id = @x {NewestFirst}", customerId, cancellationToken);

    public Task<IReadOnlyList<Subscription>> SelectSubscriptionsByProductAsync(string productId, CancellationToken cancellationToken) =>
        List($"product_id = @x {NewestFirst}", productId, cancellationToken);

    public Task<IReadOnlyList<Subscription>> SelectLiveSubscriptionsAsync(string? productId, CancellationToken cancellationToken) =>
        productId is null
            ? List($"{Live} {NewestFirst}", null, cancellationToken)
            : List($"{Live} AND product_id = @x {NewestFirst}", productId, cancellationToken);

    public Task<IReadOnlyList<Subscription>> SelectLiveSubscriptionsEndingBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        List($"{Live} AND current_period_end < @x ORDER BY current_period_end, id COLLATE {SqlDriver.C}", cutoff, cancellationToken);

    /// <summary>The first cancellation time is kept; other statuses leave cancelled_at as it was.</summary>
    public Task<bool> SetSubscriptionStatusAsync(string id, SubscriptionStatus status, DateTimeOffset now, CancellationToken cancellationToken) =>
        Store.ExecuteOneAsync("""
            UPDATE [[subscriptions]] SET status = @status, updated_at = @now,
                   cancelled_at = CASE WHEN @status = 'cancelled' THEN COALESCE(cancelled_at, @now) ELSE cancelled_at END
             WHERE tenant_id = @tenant AND id = @id
            """, [Store.Tenant, ("@id", id), ("@status", Text(status)), ("@now", now)], cancellationToken);

    /// <summary>The subscription's parameters, named after its columns.</summary>
    protected (string, object?)[] Args(Subscription s) => SubscriptionRow.Args(s, Store.TenantId, Store.Codec);

    private Task<IReadOnlyList<Subscription>> List(string condition, object? x, CancellationToken cancellationToken) =>
        Store.ReadOnlyListAsync($"SELECT {SubscriptionRow.Columns} FROM [[subscriptions]] WHERE tenant_id = @tenant AND {condition}",
            Store.Codec.Rows.Subscription, x is null ? [Store.Tenant] : [Store.Tenant, ("@x", x)], cancellationToken);
}
