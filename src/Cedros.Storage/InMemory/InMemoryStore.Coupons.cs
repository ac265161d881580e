using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Internal;

namespace Cedros.Storage.InMemory;

/// <summary>
/// Coupons of one tenant, keyed by the upper-cased code (codes are ASCII, so this is an ASCII case fold): <c>save10</c>
/// finds <c>SAVE10</c>. The code keeps the spelling it was created with.
/// </summary>
internal sealed partial class InMemoryStore : ICouponDriver
{
    public Task<Coupon?> SelectActiveCouponAsync(string code, CancellationToken cancellationToken) =>
        RunAsync(t => t.Coupons.TryGetValue(KeyOf(code), out var c) && c.Active ? c : null, cancellationToken);

    public Task<IReadOnlyList<Coupon>> SelectActiveCouponsAsync(CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<Coupon>>(t => Ordered(TenantCoupons(t).Where(c => c.Active)).ToArray(), cancellationToken);

    public Task<IReadOnlyList<Coupon>> SelectAutoApplicableCouponsAsync(string paymentMethod, string? productId, DateTimeOffset now,
        CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<Coupon>>(t => Ordered(TenantCoupons(t).Where(c => IsAutoApplicable(c, paymentMethod, now)
            && (productId is null || c.Scope == CouponScope.All || c.ProductIds.Contains(productId, StringComparer.Ordinal)))).ToArray(),
            cancellationToken);

    public Task<bool> InsertCouponAsync(Coupon coupon, CancellationToken cancellationToken) =>
        RunAsync(t => Table.TryAdd(ref t.Coupons, KeyOf(coupon.Code), coupon), cancellationToken);

    public Task<bool> ReplaceCouponAsync(Coupon coupon, CancellationToken cancellationToken) =>
        RunAsync(t => Table.Update(ref t.Coupons, KeyOf(coupon.Code),
            existing => coupon with { Code = existing.Code, UsageCount = existing.UsageCount, CreatedAt = existing.CreatedAt }) is not null,
            cancellationToken);

    public Task<CouponUse> IncrementCouponUsageAsync(string code, CancellationToken cancellationToken) =>
        RunAsync(t => Table.ChangeIf(ref t.Coupons, KeyOf(code),
            c => (c.UsageLimit is not { } limit || c.UsageCount < limit) && c.UsageCount < int.MaxValue, c => c with { UsageCount = c.UsageCount + 1 },
            new CouponUse(null, null, null), c => new CouponUse(null, c.Code, c.UsageLimit), c => new CouponUse(c.UsageCount, c.Code, c.UsageLimit)),
            cancellationToken);

    public Task<bool> DeactivateCouponAsync(string code, DateTimeOffset now, CancellationToken cancellationToken) =>
        RunAsync(t => Table.ChangeIf(ref t.Coupons, KeyOf(code), c => c.Active, c => c with { Active = false, UpdatedAt = now },
            false, _ => true, _ => true), cancellationToken);

    /// <summary>The table key of a (checked, ASCII) code: upper-cased.</summary>
    private (string, string) KeyOf(string code) => Key(code.ToUpperInvariant());

    private IEnumerable<Coupon> TenantCoupons(InMemoryTables t) => Table.OfTenant(t.Coupons, TenantId);

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
