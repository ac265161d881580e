using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Internal;
using Cedros.Storage.Validation;

namespace Cedros.Storage.FrontDoor;

/// <summary>The front door of one tenant's coupons.</summary>
internal sealed class TenantCoupons(TenantStore store) : ICouponRepository
{
    private readonly TenantStore _store = store;

    private ICouponDriver Driver => _store.Driver.Coupons;

    public Task<Coupon?> GetCouponAsync(string code, CancellationToken cancellationToken = default) =>
        _store.Call("GetCoupon", "coupons", ct => Driver.SelectActiveCouponAsync(Check.CouponCode(code), ct), cancellationToken);

    public Task<IReadOnlyList<Coupon>> ListCouponsAsync(CancellationToken cancellationToken = default) =>
        _store.Call("ListCoupons", "coupons", ct => Driver.SelectActiveCouponsAsync(ct), cancellationToken);

    public Task<IReadOnlyList<Coupon>> GetAutoApplyCouponsForPaymentAsync(string productId, string paymentMethod, CancellationToken cancellationToken = default) =>
        _store.Call("GetAutoApplyCouponsForPayment", "coupons", ct =>
        {
            Check.Id(productId, "product_id");
            return Driver.SelectAutoApplicableCouponsAsync(AutoApplyCoupons.Method(paymentMethod), productId, _store.Now, ct);
        }, cancellationToken);

    public Task<IReadOnlyDictionary<string, IReadOnlyList<Coupon>>> GetAllAutoApplyCouponsForPaymentAsync(string paymentMethod, CancellationToken cancellationToken = default) =>
        _store.Call("GetAllAutoApplyCouponsForPayment", "coupons", async ct =>
        {
            var method = AutoApplyCoupons.Method(paymentMethod);
            return AutoApplyCoupons.ByProduct(await Driver.SelectAutoApplicableCouponsAsync(method, null, _store.Now, ct).ConfigureAwait(false));
        }, cancellationToken);

    public Task CreateCouponAsync(Coupon coupon, CancellationToken cancellationToken = default) =>
        _store.Call("CreateCoupon", "coupons", async ct =>
        {
            var prepared = Prepare.Coupon(_store.TenantId, coupon, _store.Now);
            if (!await Driver.InsertCouponAsync(prepared, ct).ConfigureAwait(false))
                throw Conflicts.AlreadyExists("coupon", prepared.Code);
        }, cancellationToken);

    public Task UpdateCouponAsync(Coupon coupon, CancellationToken cancellationToken = default) =>
        _store.Call("UpdateCoupon", "coupons", async ct =>
        {
            var now = _store.Now;
            // The code's spelling, creation time and usage count belong to the stored row: usage only moves through
            // IncrementUsageAsync, so an admin edit can never undo concurrent redemptions.
            var prepared = Prepare.Coupon(_store.TenantId, coupon, now) with { UpdatedAt = now };
            if (!await Driver.ReplaceCouponAsync(prepared, ct).ConfigureAwait(false))
                throw new StorageNotFoundException("coupon", prepared.Code);
        }, cancellationToken);

    public Task<int> IncrementUsageAsync(string code, CancellationToken cancellationToken = default) =>
        _store.Call("IncrementUsage", "coupons", async ct =>
        {
            Check.CouponCode(code);
            var use = await Driver.IncrementCouponUsageAsync(code, ct).ConfigureAwait(false);
            if (use.Count is { } count) return count;
            if (use.StoredCode is null) throw new StorageNotFoundException("coupon", code);
            // Counted as a coupon-limit refusal by the telemetry (operation IncrementUsage, StorageLimitReachedException).
            throw PrepareArguments.UsageExhausted(use.StoredCode, use.Limit);
        }, cancellationToken);

    public Task DeleteCouponAsync(string code, CancellationToken cancellationToken = default) =>
        _store.Call("DeleteCoupon", "coupons", async ct =>
        {
            Check.CouponCode(code);
            if (!await Driver.DeactivateCouponAsync(code, _store.Now, ct).ConfigureAwait(false))
                throw new StorageNotFoundException("coupon", code);
        }, cancellationToken);
}
