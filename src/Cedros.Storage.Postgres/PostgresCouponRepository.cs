using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Internal;
using Npgsql;

namespace Cedros.Storage.Postgres;

/// <summary>Coupons of one tenant (contract §10): codes stored as given, unique and looked up case-insensitively
/// through the unique index on <c>(tenant_id, lower(code))</c>.</summary>
internal sealed class PostgresCouponRepository(PostgresStore store) : ICouponDriver
{
    private const string CouponColumns = "code, tenant_id, discount_type, discount_value, currency, scope, product_ids, payment_method, auto_apply, " +
        "applies_at, usage_limit, usage_count, starts_at, expires_at, active, metadata, created_at, updated_at";

    /// <summary>Active, auto-apply, started, unexpired, under its limit, for the payment method.</summary>
    private const string AutoApplicable = """
        tenant_id = @t AND active AND auto_apply
        AND (starts_at IS NULL OR starts_at <= @now) AND (expires_at IS NULL OR expires_at > @now)
        AND (usage_limit IS NULL OR COALESCE(usage_count, 0) < usage_limit)
        AND (COALESCE(payment_method, '') = '' OR payment_method = @method)
        """;

    private const string CodeOrder = "ORDER BY upper(code) COLLATE \"C\", code COLLATE \"C\"";

    private readonly PostgresStore _store = store;

    private static Coupon ReadCoupon(NpgsqlDataReader r) => new()
    {
        Code = r.GetString(0),
        TenantId = r.GetString(1),
        DiscountType = PgRow.Enum(r, 2, CouponDiscountType.Percentage),
        DiscountValue = PgRow.Double(r, 3),
        Currency = PgRow.OptStr(r, 4),
        Scope = PgRow.Enum(r, 5, CouponScope.All),
        ProductIds = StorageJson.Deserialize<List<string>?>(PgRow.OptStr(r, 6), null)?.AsReadOnly() ?? (IReadOnlyList<string>)[],
        PaymentMethod = PgRow.Str(r, 7),
        AutoApply = PgRow.Bool(r, 8),
        AppliesAt = PgRow.OptStr(r, 9),
        UsageLimit = PgRow.OptInt(r, 10),
        UsageCount = PgRow.Int(r, 11),
        StartsAt = PgRow.OptTime(r, 12),
        ExpiresAt = PgRow.OptTime(r, 13),
        Active = PgRow.Bool(r, 14),
        Metadata = PgRow.Meta(r, 15),
        CreatedAt = PgRow.Time(r, 16),
        UpdatedAt = PgRow.Time(r, 17),
    };

    public Task<Coupon?> SelectActiveCouponAsync(string code, CancellationToken cancellationToken) =>
        _store.RunAsync(c => c.OneAsync($"SELECT {CouponColumns} FROM [[coupons]] WHERE tenant_id = @t AND lower(code) = lower(@code) AND active",
            ReadCoupon, ("t", _store.TenantId), ("code", code)), cancellationToken);

    public Task<IReadOnlyList<Coupon>> SelectActiveCouponsAsync(CancellationToken cancellationToken) =>
        _store.RunAsync<IReadOnlyList<Coupon>>(async c => await c.ListAsync($"SELECT {CouponColumns} FROM [[coupons]] WHERE tenant_id = @t AND active {CodeOrder}",
            ReadCoupon, ("t", _store.TenantId)).ConfigureAwait(false), cancellationToken);

    public Task<IReadOnlyList<Coupon>> SelectAutoApplicableCouponsAsync(string paymentMethod, string? productId, DateTimeOffset now,
        CancellationToken cancellationToken) =>
        _store.RunAsync<IReadOnlyList<Coupon>>(async c => await c.ListAsync($"""
            SELECT {CouponColumns} FROM [[coupons]]
             WHERE {AutoApplicable} AND (@product::text IS NULL OR scope = 'all' OR product_ids @> jsonb_build_array(@product::text))
             {CodeOrder}
            """, ReadCoupon, ("t", _store.TenantId), ("now", now), ("method", paymentMethod), ("product", PostgresStore.TextParam(productId)))
            .ConfigureAwait(false), cancellationToken);

    public Task<bool> InsertCouponAsync(Coupon p, CancellationToken cancellationToken) =>
        _store.RunAsync(async c => await c.ExecuteAsync("""
            INSERT INTO [[coupons]] (code, tenant_id, discount_type, discount_value, currency, scope, product_ids, payment_method, auto_apply,
                applies_at, usage_limit, usage_count, starts_at, expires_at, active, metadata, created_at, updated_at)
            VALUES (@code, @t, @type, @value, @currency, @scope, @products, @method, @auto, @applies, @limit, @count, @starts, @expires,
                @active, @meta, @created, @updated)
            ON CONFLICT DO NOTHING
            """, Args(p)).ConfigureAwait(false) == 1, cancellationToken);

    public Task<bool> ReplaceCouponAsync(Coupon p, CancellationToken cancellationToken) =>
        _store.RunAsync(async c => await c.ExecuteAsync("""
            UPDATE [[coupons]] SET discount_type = @type, discount_value = @value, currency = @currency, scope = @scope,
                   product_ids = @products, payment_method = @method, auto_apply = @auto, applies_at = @applies,
                   usage_limit = @limit, starts_at = @starts, expires_at = @expires, active = @active, metadata = @meta,
                   updated_at = @updated
             WHERE tenant_id = @t AND lower(code) = lower(@code)
            """, Args(p)).ConfigureAwait(false) == 1, cancellationToken);

    public Task<CouponUse> IncrementCouponUsageAsync(string code, CancellationToken cancellationToken) =>
        // One conditional UPDATE: concurrent redemptions queue on the row lock and re-check the limit.
        _store.RunAsync(c => c.RowAsync("""
            WITH u AS (
                UPDATE [[coupons]] SET usage_count = COALESCE(usage_count, 0) + 1
                 WHERE tenant_id = @t AND lower(code) = lower(@code)
                   AND (usage_limit IS NULL OR COALESCE(usage_count, 0) < usage_limit) AND COALESCE(usage_count, 0) < 2147483647
                RETURNING usage_count)
            SELECT (SELECT usage_count FROM u), x.code, x.usage_limit
              FROM (SELECT 1) AS one
              LEFT JOIN [[coupons]] x ON x.tenant_id = @t AND lower(x.code) = lower(@code)
            """, r => new CouponUse(PgRow.OptInt(r, 0), PgRow.OptStr(r, 1), PgRow.OptInt(r, 2)), ("t", _store.TenantId), ("code", code)),
            cancellationToken);

    public Task<bool> DeactivateCouponAsync(string code, DateTimeOffset now, CancellationToken cancellationToken) =>
        _store.RunAsync(c => c.RowAsync("""
            WITH u AS (UPDATE [[coupons]] SET active = false, updated_at = @now
                        WHERE tenant_id = @t AND lower(code) = lower(@code) AND active IS DISTINCT FROM false RETURNING 1)
            SELECT EXISTS (SELECT 1 FROM u) OR EXISTS (SELECT 1 FROM [[coupons]] WHERE tenant_id = @t AND lower(code) = lower(@code))
            """, r => r.GetBoolean(0), ("t", _store.TenantId), ("code", code), ("now", now)), cancellationToken);

    private (string, object?)[] Args(Coupon p) =>
    [
        ("code", p.Code), ("t", _store.TenantId), ("type", PgRow.Text(p.DiscountType)), ("value", p.DiscountValue), ("currency", p.Currency),
        ("scope", PgRow.Text(p.Scope)), ("products", PgRow.Json(p.ProductIds)), ("method", p.PaymentMethod), ("auto", p.AutoApply),
        ("applies", p.AppliesAt), ("limit", p.UsageLimit), ("count", p.UsageCount), ("starts", PostgresStore.Tz(p.StartsAt)),
        ("expires", PostgresStore.Tz(p.ExpiresAt)), ("active", p.Active), ("meta", PgRow.Json(p.Metadata)), ("created", p.CreatedAt),
        ("updated", p.UpdatedAt),
    ];
}
