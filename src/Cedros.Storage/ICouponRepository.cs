namespace Cedros.Storage;

/// <summary>The coupon catalogue (contract §10). Codes are matched case-insensitively (ASCII).</summary>
public interface ICouponRepository
{
    /// <summary>The active coupon, or null.</summary>
    Task<Coupon?> GetCouponAsync(string code, CancellationToken cancellationToken = default);
    /// <summary>Active coupons ordered by code.</summary>
    Task<IReadOnlyList<Coupon>> ListCouponsAsync(CancellationToken cancellationToken = default);
    /// <summary>Usable auto-apply coupons for a product and payment method, ordered by code.</summary>
    Task<IReadOnlyList<Coupon>> GetAutoApplyCouponsForPaymentAsync(string productId, string paymentMethod, CancellationToken cancellationToken = default);
    /// <summary>Usable auto-apply coupons by product id; scope-all coupons under <c>"*"</c>.</summary>
    Task<IReadOnlyDictionary<string, IReadOnlyList<Coupon>>> GetAllAutoApplyCouponsForPaymentAsync(string paymentMethod, CancellationToken cancellationToken = default);
    /// <summary>Creates; duplicate code (case-insensitive) → Conflict.</summary>
    Task CreateCouponAsync(Coupon coupon, CancellationToken cancellationToken = default);
    /// <summary>Replaces; missing → NotFound.</summary>
    Task UpdateCouponAsync(Coupon coupon, CancellationToken cancellationToken = default);
    /// <summary>Atomically adds one use, never beyond the limit (LimitReached); missing → NotFound. Returns the new count.</summary>
    Task<int> IncrementUsageAsync(string code, CancellationToken cancellationToken = default);
    /// <summary>Soft-deletes; missing → NotFound.</summary>
    Task DeleteCouponAsync(string code, CancellationToken cancellationToken = default);
}
