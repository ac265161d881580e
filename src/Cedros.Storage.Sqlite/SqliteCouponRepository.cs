using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Schema.Rows;
using Cedros.Storage.Sql;
using static Cedros.Storage.Sqlite.SqliteRow;

namespace Cedros.Storage.Sqlite;

/// <summary>
/// Coupons of one tenant. The code column is <c>COLLATE NOCASE</c>, so the primary key (tenant_id, code) makes codes
/// unique case-insensitively (ASCII) and every lookup by code finds <c>SAVE10</c> for <c>save10</c>. The shared statements
/// are <see cref="SqlCoupons{TStore}"/>.
/// </summary>
internal sealed class SqliteCouponRepository(SqliteStore store) : SqlCoupons<SqliteStore>(store), ICouponDriver
{
    /// <summary>Active, auto-apply, started, unexpired, under its limit, and for this payment method (or any).</summary>
    private const string AutoApplicable = """
        tenant_id = @tenant AND active = 1 AND auto_apply = 1 AND (starts_at IS NULL OR starts_at <= @now)
        AND (expires_at IS NULL OR expires_at > @now) AND (usage_limit IS NULL OR usage_count < usage_limit)
        AND (payment_method = '' OR payment_method = @method)
        """;

    public Task<Coupon?> SelectActiveCouponAsync(string code, CancellationToken cancellationToken) =>
        Store.ReadAsync(s => s.One(Store.Sql($"SELECT {CouponRow.Columns} FROM [[coupons]] WHERE tenant_id = @tenant AND code = @code AND active = 1"),
            Store.Codec.Rows.Coupon, Store.Tenant, ("@code", code)), cancellationToken);

    public Task<IReadOnlyList<Coupon>> SelectAutoApplicableCouponsAsync(string paymentMethod, string? productId, DateTimeOffset now,
        CancellationToken cancellationToken) =>
        Store.ReadOnlyListAsync($"""
            SELECT {CouponRow.Columns} FROM [[coupons]]
            WHERE {AutoApplicable}
              AND (@product IS NULL OR scope = 'all' OR EXISTS (SELECT 1 FROM json_each(product_ids) WHERE value = @product))
            {CodeOrder}
            """, Store.Codec.Rows.Coupon, [Store.Tenant, ("@now", now), ("@method", paymentMethod), ("@product", productId)], cancellationToken);

    public Task<bool> ReplaceCouponAsync(Coupon c, CancellationToken cancellationToken) =>
        Store.WriteAsync(s => s.Execute(Store.Sql("""
            UPDATE [[coupons]] SET discount_type = @discount_type, discount_value = @discount_value, currency = @currency,
                scope = @scope, product_ids = @product_ids, payment_method = @payment_method, auto_apply = @auto_apply,
                applies_at = @applies_at, usage_limit = @usage_limit, starts_at = @starts_at, expires_at = @expires_at,
                active = @active, metadata = @metadata, updated_at = @updated_at
            WHERE tenant_id = @tenant_id AND code = @code
            """), CouponRow.Args(c, Store.TenantId, Store.Codec)) == 1, cancellationToken);

    public Task<CouponUse> IncrementCouponUsageAsync(string code, CancellationToken cancellationToken) =>
        Store.WriteAsync(s =>
        {
            // One conditional UPDATE: never past usage_limit, whatever the number of concurrent callers or processes.
            var count = s.One(Store.Sql("""
                UPDATE [[coupons]] SET usage_count = usage_count + 1
                WHERE tenant_id = @tenant AND code = @code AND (usage_limit IS NULL OR usage_count < usage_limit) AND usage_count < 2147483647
                RETURNING usage_count
                """), r => (int?)r.GetInt32(0), Store.Tenant, ("@code", code));
            if (count is not null) return new CouponUse(count, null, null);
            // Nothing changed: the row as it is, read in the same write transaction.
            return s.One(Store.Sql("SELECT code, usage_limit FROM [[coupons]] WHERE tenant_id = @tenant AND code = @code"),
                r => (CouponUse?)new CouponUse(null, r.Str(0), r.IntOrNull(1)), Store.Tenant, ("@code", code)) ?? new CouponUse(null, null, null);
        }, cancellationToken);

    public Task<bool> DeactivateCouponAsync(string code, DateTimeOffset now, CancellationToken cancellationToken) =>
        Store.WriteAsync(s =>
            s.Execute(Store.Sql("UPDATE [[coupons]] SET active = 0, updated_at = @now WHERE tenant_id = @tenant AND code = @code AND active = 1"),
                Store.Tenant, ("@code", code), ("@now", now)) == 1
            || s.Exists(Store.Sql("SELECT 1 FROM [[coupons]] WHERE tenant_id = @tenant AND code = @code"), Store.Tenant, ("@code", code)),
            cancellationToken);
}
