using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Schema.Rows;
using Cedros.Storage.Sql;

namespace Cedros.Storage.Postgres;

/// <summary>Coupons of one tenant (contract §10): codes stored as given, unique and looked up case-insensitively
/// through the unique index on <c>(tenant_id, lower(code))</c>. The shared statements are <see cref="SqlCoupons{TStore}"/>.</summary>
internal sealed class PostgresCouponRepository(PostgresStore store) : SqlCoupons<PostgresStore>(store), ICouponDriver
{
    /// <summary>Active, auto-apply, started, unexpired, under its limit, for the payment method.</summary>
    private const string AutoApplicable = """
        tenant_id = @t AND active AND auto_apply
        AND (starts_at IS NULL OR starts_at <= @now) AND (expires_at IS NULL OR expires_at > @now)
        AND (usage_limit IS NULL OR COALESCE(usage_count, 0) < usage_limit)
        AND (COALESCE(payment_method, '') = '' OR payment_method = @method)
        """;

    public Task<Coupon?> SelectActiveCouponAsync(string code, CancellationToken cancellationToken) =>
        Store.RunAsync(c => c.OneAsync($"SELECT {CouponRow.Columns} FROM [[coupons]] WHERE tenant_id = @t AND lower(code) = lower(@code) AND active",
            Store.Codec.Rows.Coupon, ("t", Store.TenantId), ("code", code)), cancellationToken);

    public Task<IReadOnlyList<Coupon>> SelectAutoApplicableCouponsAsync(string paymentMethod, string? productId, DateTimeOffset now,
        CancellationToken cancellationToken) =>
        Store.ReadOnlyListAsync($"""
            SELECT {CouponRow.Columns} FROM [[coupons]]
             WHERE {AutoApplicable} AND (@product::text IS NULL OR scope = 'all' OR product_ids @> jsonb_build_array(@product::text))
             {CodeOrder}
            """, Store.Codec.Rows.Coupon, [("@t", Store.TenantId), ("@now", now), ("@method", paymentMethod), ("@product", PgCodec.TextParam(productId))],
            cancellationToken);

    public Task<bool> ReplaceCouponAsync(Coupon p, CancellationToken cancellationToken) =>
        Store.ExecuteOneAsync("""
            UPDATE [[coupons]] SET discount_type = @discount_type, discount_value = @discount_value, currency = @currency, scope = @scope,
                   product_ids = @product_ids, payment_method = @payment_method, auto_apply = @auto_apply, applies_at = @applies_at,
                   usage_limit = @usage_limit, starts_at = @starts_at, expires_at = @expires_at, active = @active, metadata = @metadata,
                   updated_at = @updated_at
             WHERE tenant_id = @tenant_id AND lower(code) = lower(@code)
            """, CouponRow.Args(p, Store.TenantId, Store.Codec), cancellationToken);

    /// <summary>Room for one more use: under the limit, and under <c>int.MaxValue</c> (the column is an <c>INTEGER</c>).</summary>
    private const string HasRoom = "(usage_limit IS NULL OR COALESCE(usage_count, 0) < usage_limit) AND COALESCE(usage_count, 0) < 2147483647";

    /// <summary>
    /// One conditional UPDATE (concurrent redemptions queue on the row lock and re-check the limit), as a hand-written
    /// one is. Only when it changed nothing is the coupon read, to say why; a coupon that reads as having room then
    /// (created, or given room, after the UPDATE looked) is tried again, as a nonce is (docs/decisions.md).
    /// </summary>
    public Task<CouponUse> IncrementCouponUsageAsync(string code, CancellationToken cancellationToken) =>
        Store.RunAsync(async c =>
        {
            var use = new CouponUse(null, null, null);
            for (var attempt = 0; attempt < 3; attempt++)
            {
                var counts = await c.ListAsync($"""
                    UPDATE [[coupons]] SET usage_count = COALESCE(usage_count, 0) + 1
                     WHERE tenant_id = @t AND lower(code) = lower(@code) AND {HasRoom}
                    RETURNING usage_count
                    """, r => r.GetInt32(0), ("t", Store.TenantId), ("code", code)).ConfigureAwait(false);
                if (counts.Count == 1) return new CouponUse(counts[0], null, null);
                var rows = await c.ListAsync($"SELECT code, usage_limit, {HasRoom} FROM [[coupons]] WHERE tenant_id = @t AND lower(code) = lower(@code)",
                    r => (Use: new CouponUse(null, r.GetString(0), SqlCodec.OptInt(r, 1)), Room: r.GetBoolean(2)),
                    ("t", Store.TenantId), ("code", code)).ConfigureAwait(false);
                if (rows.Count == 0) return use;
                use = rows[0].Use;
                if (!rows[0].Room) break;
            }
            return use;
        }, cancellationToken);

    public Task<bool> DeactivateCouponAsync(string code, DateTimeOffset now, CancellationToken cancellationToken) =>
        Store.RunAsync(c => c.RowAsync("""
            WITH u AS (UPDATE [[coupons]] SET active = false, updated_at = @now
                        WHERE tenant_id = @t AND lower(code) = lower(@code) AND active IS DISTINCT FROM false RETURNING 1)
            SELECT EXISTS (SELECT 1 FROM u) OR EXISTS (SELECT 1 FROM [[coupons]] WHERE tenant_id = @t AND lower(code) = lower(@code))
            """, r => r.GetBoolean(0), ("t", Store.TenantId), ("code", code), ("now", now)), cancellationToken);
}
