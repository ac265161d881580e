using Cedros.Storage.Internal;
using Cedros.Storage.Validation;

namespace Cedros.Storage.InMemory;

/// <summary>
/// Coupons of one tenant, keyed by the upper-cased code (codes are ASCII, so this is an ASCII case fold): <c>save10</c>
/// finds <c>SAVE10</c>. The code keeps the spelling it was created with.
/// </summary>
internal sealed class InMemoryCouponRepository(InMemoryStore store) : ICouponRepository
{
    private readonly InMemoryStore _store = store;

    public Task<Coupon?> GetCouponAsync(string code, CancellationToken cancellationToken)
    {
        var key = KeyOf(code);
        return _store.RunAsync(t => t.Coupons.TryGetValue(key, out var c) && c.Active ? c : null, cancellationToken);
    }

    public Task<IReadOnlyList<Coupon>> ListCouponsAsync(CancellationToken cancellationToken) =>
        _store.RunAsync<IReadOnlyList<Coupon>>(t => Ordered(TenantCoupons(t).Where(c => c.Active)).ToArray(), cancellationToken);

    public Task<IReadOnlyList<Coupon>> GetAutoApplyCouponsForPaymentAsync(string productId, string paymentMethod, CancellationToken cancellationToken)
    {
        Check.Id(productId, "product_id");
        var method = AutoApplyCoupons.Method(paymentMethod);
        return _store.RunAsync<IReadOnlyList<Coupon>>(t =>
        {
            var now = _store.Now;
            return Ordered(TenantCoupons(t).Where(c => IsAutoApplicable(c, method, now)
                && (c.Scope == CouponScope.All || c.ProductIds.Contains(productId, StringComparer.Ordinal)))).ToArray();
        }, cancellationToken);
    }

    public Task<IReadOnlyDictionary<string, IReadOnlyList<Coupon>>> GetAllAutoApplyCouponsForPaymentAsync(string paymentMethod, CancellationToken cancellationToken)
    {
        var method = AutoApplyCoupons.Method(paymentMethod);
        return _store.RunAsync<IReadOnlyDictionary<string, IReadOnlyList<Coupon>>>(t =>
        {
            var now = _store.Now;
            return AutoApplyCoupons.ByProduct(Ordered(TenantCoupons(t).Where(c => IsAutoApplicable(c, method, now))));
        }, cancellationToken);
    }

    public Task CreateCouponAsync(Coupon coupon, CancellationToken cancellationToken)
    {
        var prepared = Prepare.Coupon(_store.TenantId, coupon, _store.Now);
        var key = KeyOf(prepared.Code);
        return _store.RunAsync(t =>
        {
            if (t.Coupons.ContainsKey(key)) throw Conflicts.AlreadyExists("coupon", prepared.Code);
            t.Coupons = t.Coupons.Add(key, prepared);
        }, cancellationToken);
    }

    public Task UpdateCouponAsync(Coupon coupon, CancellationToken cancellationToken)
    {
        var now = _store.Now;
        var prepared = Prepare.Coupon(_store.TenantId, coupon, now);
        var key = KeyOf(prepared.Code);
        return _store.RunAsync(t =>
        {
            if (!t.Coupons.TryGetValue(key, out var existing)) throw new StorageNotFoundException("coupon", prepared.Code);
            // The code's spelling, creation time and usage count belong to the stored row: usage only moves through
            // IncrementUsageAsync, so an admin edit can never undo concurrent redemptions.
            t.Coupons = t.Coupons.SetItem(key, prepared with
            {
                Code = existing.Code,
                UsageCount = existing.UsageCount,
                CreatedAt = existing.CreatedAt,
                UpdatedAt = now,
            });
        }, cancellationToken);
    }

    public Task<int> IncrementUsageAsync(string code, CancellationToken cancellationToken)
    {
        var key = KeyOf(code);
        return _store.RunAsync(t =>
        {
            if (!t.Coupons.TryGetValue(key, out var existing)) throw new StorageNotFoundException("coupon", code);
            if ((existing.UsageLimit is { } limit && existing.UsageCount >= limit) || existing.UsageCount == int.MaxValue)
                throw PrepareArguments.UsageExhausted(existing.Code, existing.UsageLimit);
            var count = existing.UsageCount + 1;
            t.Coupons = t.Coupons.SetItem(key, existing with { UsageCount = count });
            return count;
        }, cancellationToken);
    }

    public Task DeleteCouponAsync(string code, CancellationToken cancellationToken)
    {
        var key = KeyOf(code);
        return _store.RunAsync(t =>
        {
            if (!t.Coupons.TryGetValue(key, out var existing)) throw new StorageNotFoundException("coupon", code);
            if (!existing.Active) return;
            t.Coupons = t.Coupons.SetItem(key, existing with { Active = false, UpdatedAt = _store.Now });
        }, cancellationToken);
    }

    /// <summary>The table key of a code: validated (ASCII only), then upper-cased.</summary>
    private (string, string) KeyOf(string code) => _store.Key(Check.CouponCode(code).ToUpperInvariant());

    private IEnumerable<Coupon> TenantCoupons(InMemoryTables t) =>
        t.Coupons.Where(p => p.Key.Tenant == _store.TenantId).Select(p => p.Value);

    /// <summary>Ordered by code case-insensitively (upper-cased, ordinal), as every backend orders them.</summary>
    private static IEnumerable<Coupon> Ordered(IEnumerable<Coupon> coupons) =>
        coupons.OrderBy(c => c.Code.ToUpperInvariant(), Utf8Order.Instance).ThenBy(c => c.Code, Utf8Order.Instance);

    /// <summary>Active, auto-apply, started, unexpired, under its limit, and for any or this payment method.</summary>
    private static bool IsAutoApplicable(Coupon c, string paymentMethod, DateTimeOffset now) =>
        c.Active
        && c.AutoApply
        && (c.StartsAt is null || c.StartsAt <= now)
        && (c.ExpiresAt is null || c.ExpiresAt > now)
        && (c.UsageLimit is null || c.UsageCount < c.UsageLimit)
        && (c.PaymentMethod.Length == 0 || string.Equals(c.PaymentMethod, paymentMethod, StringComparison.Ordinal));
}
