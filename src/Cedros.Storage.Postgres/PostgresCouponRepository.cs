using Cedros.Storage.Internal;
using Cedros.Storage.Validation;
using Npgsql;

namespace Cedros.Storage.Postgres;

/// <summary>Coupons of one tenant (contract §10): codes stored as given, unique and looked up case-insensitively
/// through the unique index on <c>(tenant_id, lower(code))</c>.</summary>
internal sealed class PostgresCouponRepository(PostgresStore store) : ICouponRepository
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

    public Task<Coupon?> GetCouponAsync(string code, CancellationToken cancellationToken)
    {
        Check.CouponCode(code);
        return _store.RunAsync(c => c.OneAsync($"SELECT {CouponColumns} FROM [[coupons]] WHERE tenant_id = @t AND lower(code) = lower(@code) AND active",
            ReadCoupon, ("t", _store.TenantId), ("code", code)), cancellationToken);
    }

    public Task<IReadOnlyList<Coupon>> ListCouponsAsync(CancellationToken cancellationToken) =>
        _store.RunAsync<IReadOnlyList<Coupon>>(async c => await c.ListAsync($"SELECT {CouponColumns} FROM [[coupons]] WHERE tenant_id = @t AND active {CodeOrder}",
            ReadCoupon, ("t", _store.TenantId)).ConfigureAwait(false), cancellationToken);

    public Task<IReadOnlyList<Coupon>> GetAutoApplyCouponsForPaymentAsync(string productId, string paymentMethod, CancellationToken cancellationToken)
    {
        Check.Id(productId, "product_id");
        var method = AutoApplyCoupons.Method(paymentMethod);
        return _store.RunAsync<IReadOnlyList<Coupon>>(async c => await c.ListAsync($"""
            SELECT {CouponColumns} FROM [[coupons]]
             WHERE {AutoApplicable} AND (scope = 'all' OR product_ids @> jsonb_build_array(@product::text))
             {CodeOrder}
            """, ReadCoupon, ("t", _store.TenantId), ("now", _store.Now), ("method", method), ("product", productId)).ConfigureAwait(false),
            cancellationToken);
    }

    public Task<IReadOnlyDictionary<string, IReadOnlyList<Coupon>>> GetAllAutoApplyCouponsForPaymentAsync(string paymentMethod, CancellationToken cancellationToken)
    {
        var method = AutoApplyCoupons.Method(paymentMethod);
        return _store.RunAsync<IReadOnlyDictionary<string, IReadOnlyList<Coupon>>>(async c =>
        {
            var coupons = await c.ListAsync($"SELECT {CouponColumns} FROM [[coupons]] WHERE {AutoApplicable} {CodeOrder}",
                ReadCoupon, ("t", _store.TenantId), ("now", _store.Now), ("method", method)).ConfigureAwait(false);
            return AutoApplyCoupons.ByProduct(coupons);
        }, cancellationToken);
    }

    public Task CreateCouponAsync(Coupon coupon, CancellationToken cancellationToken)
    {
        var p = Prepare.Coupon(_store.TenantId, coupon, _store.Now);
        return _store.RunAsync(async c =>
        {
            var inserted = await c.ExecuteAsync("""
                INSERT INTO [[coupons]] (code, tenant_id, discount_type, discount_value, currency, scope, product_ids, payment_method, auto_apply,
                    applies_at, usage_limit, usage_count, starts_at, expires_at, active, metadata, created_at, updated_at)
                VALUES (@code, @t, @type, @value, @currency, @scope, @products, @method, @auto, @applies, @limit, @count, @starts, @expires,
                    @active, @meta, @created, @updated)
                ON CONFLICT DO NOTHING
                """, Args(p)).ConfigureAwait(false);
            if (inserted == 0) throw Conflicts.AlreadyExists("coupon", p.Code);
        }, cancellationToken);
    }

    public Task UpdateCouponAsync(Coupon coupon, CancellationToken cancellationToken)
    {
        var now = _store.Now;
        var p = Prepare.Coupon(_store.TenantId, coupon, now) with { UpdatedAt = now };
        return _store.RunAsync(async c =>
        {
            // The code's spelling, creation time and usage count belong to the stored row: usage only moves through
            // IncrementUsageAsync, so an admin edit can never undo concurrent redemptions.
            var updated = await c.ExecuteAsync("""
                UPDATE [[coupons]] SET discount_type = @type, discount_value = @value, currency = @currency, scope = @scope,
                       product_ids = @products, payment_method = @method, auto_apply = @auto, applies_at = @applies,
                       usage_limit = @limit, starts_at = @starts, expires_at = @expires, active = @active, metadata = @meta,
                       updated_at = @updated
                 WHERE tenant_id = @t AND lower(code) = lower(@code)
                """, Args(p)).ConfigureAwait(false);
            if (updated == 0) throw new StorageNotFoundException("coupon", p.Code);
        }, cancellationToken);
    }

    public Task<int> IncrementUsageAsync(string code, CancellationToken cancellationToken)
    {
        Check.CouponCode(code);
        return _store.RunAsync(async c =>
        {
            // One conditional UPDATE: concurrent redemptions queue on the row lock and re-check the limit.
            var (count, stored, limit) = await c.RowAsync("""
                WITH u AS (
                    UPDATE [[coupons]] SET usage_count = COALESCE(usage_count, 0) + 1
                     WHERE tenant_id = @t AND lower(code) = lower(@code)
                       AND (usage_limit IS NULL OR COALESCE(usage_count, 0) < usage_limit) AND COALESCE(usage_count, 0) < 2147483647
                    RETURNING usage_count)
                SELECT (SELECT usage_count FROM u), x.code, x.usage_limit
                  FROM (SELECT 1) AS one
                  LEFT JOIN [[coupons]] x ON x.tenant_id = @t AND lower(x.code) = lower(@code)
                """, r => (PgRow.OptInt(r, 0), PgRow.OptStr(r, 1), PgRow.OptInt(r, 2)), ("t", _store.TenantId), ("code", code))
                .ConfigureAwait(false);
            if (count is { } n) return n;
            if (stored is null) throw new StorageNotFoundException("coupon", code);
            throw PrepareArguments.UsageExhausted(stored, limit);
        }, cancellationToken);
    }

    public Task DeleteCouponAsync(string code, CancellationToken cancellationToken)
    {
        Check.CouponCode(code);
        return _store.RunAsync(async c =>
        {
            var (_, exists) = await c.RowAsync("""
                WITH u AS (UPDATE [[coupons]] SET active = false, updated_at = @now
                            WHERE tenant_id = @t AND lower(code) = lower(@code) AND active IS DISTINCT FROM false RETURNING 1)
                SELECT EXISTS (SELECT 1 FROM u), EXISTS (SELECT 1 FROM [[coupons]] WHERE tenant_id = @t AND lower(code) = lower(@code))
                """, r => (r.GetBoolean(0), r.GetBoolean(1)), ("t", _store.TenantId), ("code", code), ("now", _store.Now)).ConfigureAwait(false);
            if (!exists) throw new StorageNotFoundException("coupon", code);
        }, cancellationToken);
    }

    private (string, object?)[] Args(Coupon p) =>
    [
        ("code", p.Code), ("t", _store.TenantId), ("type", PgRow.Text(p.DiscountType)), ("value", p.DiscountValue), ("currency", p.Currency),
        ("scope", PgRow.Text(p.Scope)), ("products", PgRow.Json(p.ProductIds)), ("method", p.PaymentMethod), ("auto", p.AutoApply),
        ("applies", p.AppliesAt), ("limit", p.UsageLimit), ("count", p.UsageCount), ("starts", PostgresStore.Tz(p.StartsAt)),
        ("expires", PostgresStore.Tz(p.ExpiresAt)), ("active", p.Active), ("meta", PgRow.Json(p.Metadata)), ("created", p.CreatedAt),
        ("updated", p.UpdatedAt),
    ];
}
