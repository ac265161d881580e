namespace Cedros.Storage.FrontDoor.Drivers;

/// <summary>The coupon catalogue of one tenant, database side (contract §10). Codes arrive checked; every lookup by
/// code is case-insensitive (ASCII), and lists are ordered by the upper-cased code, then the code (ordinal).</summary>
internal interface ICouponDriver
{
    /// <summary>The active coupon, or null.</summary>
    Task<Coupon?> SelectActiveCouponAsync(string code, CancellationToken cancellationToken);

    /// <summary>Active coupons in code order.</summary>
    Task<IReadOnlyList<Coupon>> SelectActiveCouponsAsync(CancellationToken cancellationToken);

    /// <summary>Coupons that are active, auto-apply, started and unexpired at <paramref name="now"/>, under their usage
    /// limit, for <paramref name="paymentMethod"/> or any method, and (when <paramref name="productId"/> is given) of
    /// scope all or naming that product; in code order.</summary>
    Task<IReadOnlyList<Coupon>> SelectAutoApplicableCouponsAsync(string paymentMethod, string? productId, DateTimeOffset now,
        CancellationToken cancellationToken);

    /// <summary>Inserts the coupon; false when the tenant already has its code (in any case).</summary>
    Task<bool> InsertCouponAsync(Coupon coupon, CancellationToken cancellationToken);

    /// <summary>Replaces the coupon's columns except the code's spelling, usage_count and created_at (which belong to the
    /// stored row); false when there is no such coupon.</summary>
    Task<bool> ReplaceCouponAsync(Coupon coupon, CancellationToken cancellationToken);

    /// <summary>In one atomic step adds one use unless the usage limit (or the int range) is reached. When nothing
    /// changed, reports the stored code and limit (or that there is no such coupon).</summary>
    Task<CouponUse> IncrementCouponUsageAsync(string code, CancellationToken cancellationToken);

    /// <summary>Sets active = false and updated_at = <paramref name="now"/> when active; false when there is no such coupon.</summary>
    Task<bool> DeactivateCouponAsync(string code, DateTimeOffset now, CancellationToken cancellationToken);
}

/// <summary>The outcome of <see cref="ICouponDriver.IncrementCouponUsageAsync"/>: the new count, or the stored coupon's
/// code and limit (<see cref="StoredCode"/> null: no such coupon).</summary>
internal readonly record struct CouponUse(int? Count, string? StoredCode, int? Limit);
