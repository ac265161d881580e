namespace Cedros.Storage.FrontDoor;

/// <summary>The front door of one tenant's coupons.</summary>
internal sealed class TenantCoupons(TenantStore store) : ICouponRepository
{
    private readonly TenantStore _store = store;

    private ICouponRepository Driver => _store.Driver.Coupons;

    public Task<Coupon?> GetCouponAsync(string code, CancellationToken cancellationToken = default) =>
        _store.Call("GetCoupon", "coupons", ct => Driver.GetCouponAsync(code, ct), cancellationToken);

    public Task<IReadOnlyList<Coupon>> ListCouponsAsync(CancellationToken cancellationToken = default) =>
        _store.Call("ListCoupons", "coupons", ct => Driver.ListCouponsAsync(ct), cancellationToken);

    public Task<IReadOnlyList<Coupon>> GetAutoApplyCouponsForPaymentAsync(string productId, string paymentMethod, CancellationToken cancellationToken = default) =>
        _store.Call("GetAutoApplyCouponsForPayment", "coupons", ct => Driver.GetAutoApplyCouponsForPaymentAsync(productId, paymentMethod, ct), cancellationToken);

    public Task<IReadOnlyDictionary<string, IReadOnlyList<Coupon>>> GetAllAutoApplyCouponsForPaymentAsync(string paymentMethod, CancellationToken cancellationToken = default) =>
        _store.Call("GetAllAutoApplyCouponsForPayment", "coupons", ct => Driver.GetAllAutoApplyCouponsForPaymentAsync(paymentMethod, ct), cancellationToken);

    public Task CreateCouponAsync(Coupon coupon, CancellationToken cancellationToken = default) =>
        _store.Call("CreateCoupon", "coupons", ct => Driver.CreateCouponAsync(coupon, ct), cancellationToken);

    public Task UpdateCouponAsync(Coupon coupon, CancellationToken cancellationToken = default) =>
        _store.Call("UpdateCoupon", "coupons", ct => Driver.UpdateCouponAsync(coupon, ct), cancellationToken);

    public Task<int> IncrementUsageAsync(string code, CancellationToken cancellationToken = default) =>
        _store.Call("IncrementUsage", "coupons", ct => Driver.IncrementUsageAsync(code, ct), cancellationToken);

    public Task DeleteCouponAsync(string code, CancellationToken cancellationToken = default) =>
        _store.Call("DeleteCoupon", "coupons", ct => Driver.DeleteCouponAsync(code, ct), cancellationToken);
}
