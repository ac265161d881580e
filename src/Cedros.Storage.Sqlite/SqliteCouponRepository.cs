using Cedros.Storage.Internal;
using Cedros.Storage.Validation;
using Microsoft.Data.Sqlite;
using static Cedros.Storage.Sqlite.SqliteRow;

namespace Cedros.Storage.Sqlite;

/// <summary>
/// Coupons of one tenant. The code column is <c>COLLATE NOCASE</c>, so the primary key (tenant_id, code) makes codes
/// unique case-insensitively (ASCII) and every lookup by code finds <c>SAVE10</c> for <c>save10</c>.
/// </summary>
internal sealed class SqliteCouponRepository(SqliteStore store) : ICouponRepository
{
    private const string Columns = "tenant_id, code, discount_type, discount_value, currency, scope, product_ids, payment_method, " +
        "auto_apply, applies_at, usage_limit, usage_count, starts_at, expires_at, active, metadata, created_at, updated_at";
    private const string Order = "ORDER BY upper(code) COLLATE BINARY, code COLLATE BINARY";

    /// <summary>Active, auto-apply, started, unexpired, under its limit, and for this payment method (or any).</summary>
    private const string AutoApplicable = """
        tenant_id = @tenant AND active = 1 AND auto_apply = 1 AND (starts_at IS NULL OR starts_at <= @now)
        AND (expires_at IS NULL OR expires_at > @now) AND (usage_limit IS NULL OR usage_count < usage_limit)
        AND (payment_method = '' OR payment_method = @method)
        """;

    private readonly SqliteStore _store = store;
    private string Table => _store.Tables.Coupons.Quoted;

    private static Coupon ReadCoupon(SqliteDataReader r) => new()
    {
        TenantId = r.Str(0),
        Code = r.Str(1),
        DiscountType = r.Enum<CouponDiscountType>(2),
        DiscountValue = r.GetDouble(3),
        Currency = r.StrOrNull(4),
        Scope = r.Enum<CouponScope>(5),
        ProductIds = r.Json<string[]>(6, []),
        PaymentMethod = r.Str(7),
        AutoApply = r.Bool(8),
        AppliesAt = r.StrOrNull(9),
        UsageLimit = r.IntOrNull(10),
        UsageCount = r.Int(11),
        StartsAt = r.TimeOrNull(12),
        ExpiresAt = r.TimeOrNull(13),
        Active = r.Bool(14),
        Metadata = r.Metadata(15),
        CreatedAt = r.Time(16),
        UpdatedAt = r.Time(17),
    };

    private (string, object?)[] Args(Coupon c) =>
    [
        _store.Tenant, ("@code", c.Code), ("@discount_type", Text(c.DiscountType)), ("@discount_value", c.DiscountValue),
        ("@currency", c.Currency), ("@scope", Text(c.Scope)), ("@product_ids", Json(c.ProductIds)), ("@payment_method", c.PaymentMethod),
        ("@auto_apply", c.AutoApply), ("@applies_at", c.AppliesAt), ("@usage_limit", c.UsageLimit is { } l ? (long)l : null),
        ("@usage_count", (long)c.UsageCount), ("@starts_at", c.StartsAt), ("@expires_at", c.ExpiresAt), ("@active", c.Active),
        ("@metadata", Json(c.Metadata)), ("@created_at", c.CreatedAt), ("@updated_at", c.UpdatedAt),
    ];

    public Task<Coupon?> GetCouponAsync(string code, CancellationToken cancellationToken)
    {
        Check.CouponCode(code);
        return _store.ReadAsync(s => s.One($"SELECT {Columns} FROM {Table} WHERE tenant_id = @tenant AND code = @code AND active = 1",
            ReadCoupon, _store.Tenant, ("@code", code)), cancellationToken);
    }

    public Task<IReadOnlyList<Coupon>> ListCouponsAsync(CancellationToken cancellationToken) =>
        _store.ReadAsync<IReadOnlyList<Coupon>>(s => s.List($"SELECT {Columns} FROM {Table} WHERE tenant_id = @tenant AND active = 1 {Order}",
            ReadCoupon, _store.Tenant), cancellationToken);

    public Task<IReadOnlyList<Coupon>> GetAutoApplyCouponsForPaymentAsync(string productId, string paymentMethod, CancellationToken cancellationToken)
    {
        Check.Id(productId, "product_id");
        var method = AutoApplyCoupons.Method(paymentMethod);
        return _store.ReadAsync<IReadOnlyList<Coupon>>(s => s.List($"""
            SELECT {Columns} FROM {Table}
            WHERE {AutoApplicable}
              AND (scope = 'all' OR EXISTS (SELECT 1 FROM json_each(product_ids) WHERE value = @product))
            {Order}
            """, ReadCoupon, _store.Tenant, ("@now", _store.Now), ("@method", method), ("@product", productId)), cancellationToken);
    }

    public Task<IReadOnlyDictionary<string, IReadOnlyList<Coupon>>> GetAllAutoApplyCouponsForPaymentAsync(string paymentMethod,
        CancellationToken cancellationToken)
    {
        var method = AutoApplyCoupons.Method(paymentMethod);
        return _store.ReadAsync<IReadOnlyDictionary<string, IReadOnlyList<Coupon>>>(s =>
        {
            return AutoApplyCoupons.ByProduct(s.List($"SELECT {Columns} FROM {Table} WHERE {AutoApplicable} {Order}", ReadCoupon,
                _store.Tenant, ("@now", _store.Now), ("@method", method)));
        }, cancellationToken);
    }

    public Task CreateCouponAsync(Coupon coupon, CancellationToken cancellationToken)
    {
        var c = Prepare.Coupon(_store.TenantId, coupon, _store.Now);
        return _store.WriteAsync(s =>
        {
            var inserted = s.Execute($"""
                INSERT INTO {Table} ({Columns})
                VALUES (@tenant, @code, @discount_type, @discount_value, @currency, @scope, @product_ids, @payment_method, @auto_apply,
                        @applies_at, @usage_limit, @usage_count, @starts_at, @expires_at, @active, @metadata, @created_at, @updated_at)
                ON CONFLICT DO NOTHING
                """, Args(c));
            if (inserted == 0) throw Conflicts.AlreadyExists("coupon", c.Code);
        }, cancellationToken);
    }

    public Task UpdateCouponAsync(Coupon coupon, CancellationToken cancellationToken)
    {
        var now = _store.Now;
        var c = Prepare.Coupon(_store.TenantId, coupon, now) with { UpdatedAt = now };
        return _store.WriteAsync(s =>
        {
            // The code's spelling, creation time and usage count belong to the stored row: usage only moves through
            // IncrementUsageAsync, so an admin edit can never undo concurrent redemptions.
            var updated = s.Execute($"""
                UPDATE {Table} SET discount_type = @discount_type, discount_value = @discount_value, currency = @currency,
                    scope = @scope, product_ids = @product_ids, payment_method = @payment_method, auto_apply = @auto_apply,
                    applies_at = @applies_at, usage_limit = @usage_limit, starts_at = @starts_at, expires_at = @expires_at,
                    active = @active, metadata = @metadata, updated_at = @updated_at
                WHERE tenant_id = @tenant AND code = @code
                """, Args(c));
            if (updated == 0) throw new StorageNotFoundException("coupon", c.Code);
        }, cancellationToken);
    }

    public Task<int> IncrementUsageAsync(string code, CancellationToken cancellationToken)
    {
        Check.CouponCode(code);
        return _store.WriteAsync(s =>
        {
            // One conditional UPDATE: never past usage_limit, whatever the number of concurrent callers or processes.
            var count = s.One($"""
                UPDATE {Table} SET usage_count = usage_count + 1
                WHERE tenant_id = @tenant AND code = @code AND (usage_limit IS NULL OR usage_count < usage_limit) AND usage_count < 2147483647
                RETURNING usage_count
                """, r => (int?)r.GetInt32(0), _store.Tenant, ("@code", code));
            if (count is { } c) return c;
            var row = s.One($"SELECT code, usage_limit FROM {Table} WHERE tenant_id = @tenant AND code = @code",
                r => (Code: r.Str(0), Limit: r.IntOrNull(1)), _store.Tenant, ("@code", code));
            if (row.Code is null or "") throw new StorageNotFoundException("coupon", code);
            throw PrepareArguments.UsageExhausted(row.Code, row.Limit);
        }, cancellationToken);
    }

    public Task DeleteCouponAsync(string code, CancellationToken cancellationToken)
    {
        Check.CouponCode(code);
        return _store.WriteAsync(s =>
        {
            if (s.Execute($"UPDATE {Table} SET active = 0, updated_at = @now WHERE tenant_id = @tenant AND code = @code AND active = 1",
                    _store.Tenant, ("@code", code), ("@now", _store.Now)) == 1) return;
            if (!s.Exists($"SELECT 1 FROM {Table} WHERE tenant_id = @tenant AND code = @code", _store.Tenant, ("@code", code)))
                throw new StorageNotFoundException("coupon", code);
        }, cancellationToken);
    }
}
