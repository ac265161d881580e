using Cedros.Storage.FrontDoor.Drivers;
using Microsoft.Data.Sqlite;
using static Cedros.Storage.Sqlite.SqliteRow;

namespace Cedros.Storage.Sqlite;

/// <summary>
/// Coupons of one tenant. The code column is <c>COLLATE NOCASE</c>, so the primary key (tenant_id, code) makes codes
/// unique case-insensitively (ASCII) and every lookup by code finds <c>SAVE10</c> for <c>save10</c>.
/// </summary>
internal sealed class SqliteCouponRepository(SqliteStore store) : ICouponDriver
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

    public Task<Coupon?> SelectActiveCouponAsync(string code, CancellationToken cancellationToken) =>
        _store.ReadAsync(s => s.One(_store.Sql($"SELECT {Columns} FROM [[coupons]] WHERE tenant_id = @tenant AND code = @code AND active = 1"),
            ReadCoupon, _store.Tenant, ("@code", code)), cancellationToken);

    public Task<IReadOnlyList<Coupon>> SelectActiveCouponsAsync(CancellationToken cancellationToken) =>
        _store.ReadAsync<IReadOnlyList<Coupon>>(s => s.List(_store.Sql($"SELECT {Columns} FROM [[coupons]] WHERE tenant_id = @tenant AND active = 1 {Order}"),
            ReadCoupon, _store.Tenant), cancellationToken);

    public Task<IReadOnlyList<Coupon>> SelectAutoApplicableCouponsAsync(string paymentMethod, string? productId, DateTimeOffset now,
        CancellationToken cancellationToken) =>
        _store.ReadAsync<IReadOnlyList<Coupon>>(s => s.List(_store.Sql($"""
            SELECT {Columns} FROM [[coupons]]
            WHERE {AutoApplicable}
              AND (@product IS NULL OR scope = 'all' OR EXISTS (SELECT 1 FROM json_each(product_ids) WHERE value = @product))
            {Order}
            """), ReadCoupon, _store.Tenant, ("@now", now), ("@method", paymentMethod), ("@product", productId)), cancellationToken);

    public Task<bool> InsertCouponAsync(Coupon c, CancellationToken cancellationToken) =>
        _store.WriteAsync(s => s.Execute(_store.Sql($"""
            INSERT INTO [[coupons]] ({Columns})
            VALUES (@tenant, @code, @discount_type, @discount_value, @currency, @scope, @product_ids, @payment_method, @auto_apply,
                    @applies_at, @usage_limit, @usage_count, @starts_at, @expires_at, @active, @metadata, @created_at, @updated_at)
            ON CONFLICT DO NOTHING
            """), Args(c)) == 1, cancellationToken);

    public Task<bool> ReplaceCouponAsync(Coupon c, CancellationToken cancellationToken) =>
        _store.WriteAsync(s => s.Execute(_store.Sql("""
            UPDATE [[coupons]] SET discount_type = @discount_type, discount_value = @discount_value, currency = @currency,
                scope = @scope, product_ids = @product_ids, payment_method = @payment_method, auto_apply = @auto_apply,
                applies_at = @applies_at, usage_limit = @usage_limit, starts_at = @starts_at, expires_at = @expires_at,
                active = @active, metadata = @metadata, updated_at = @updated_at
            WHERE tenant_id = @tenant AND code = @code
            """), Args(c)) == 1, cancellationToken);

    public Task<CouponUse> IncrementCouponUsageAsync(string code, CancellationToken cancellationToken) =>
        _store.WriteAsync(s =>
        {
            // One conditional UPDATE: never past usage_limit, whatever the number of concurrent callers or processes.
            var count = s.One(_store.Sql("""
                UPDATE [[coupons]] SET usage_count = usage_count + 1
                WHERE tenant_id = @tenant AND code = @code AND (usage_limit IS NULL OR usage_count < usage_limit) AND usage_count < 2147483647
                RETURNING usage_count
                """), r => (int?)r.GetInt32(0), _store.Tenant, ("@code", code));
            if (count is not null) return new CouponUse(count, null, null);
            // Nothing changed: the row as it is, read in the same write transaction.
            return s.One(_store.Sql("SELECT code, usage_limit FROM [[coupons]] WHERE tenant_id = @tenant AND code = @code"),
                r => (CouponUse?)new CouponUse(null, r.Str(0), r.IntOrNull(1)), _store.Tenant, ("@code", code)) ?? new CouponUse(null, null, null);
        }, cancellationToken);

    public Task<bool> DeactivateCouponAsync(string code, DateTimeOffset now, CancellationToken cancellationToken) =>
        _store.WriteAsync(s =>
            s.Execute(_store.Sql("UPDATE [[coupons]] SET active = 0, updated_at = @now WHERE tenant_id = @tenant AND code = @code AND active = 1"),
                _store.Tenant, ("@code", code), ("@now", now)) == 1
            || s.Exists(_store.Sql("SELECT 1 FROM [[coupons]] WHERE tenant_id = @tenant AND code = @code"), _store.Tenant, ("@code", code)),
            cancellationToken);
}
