namespace Cedros.Storage.Caching;

/// <summary>
/// An <see cref="ICouponRepository"/> that caches reads for <see cref="StorageCatalogCache.Ttl"/> per tenant and drops
/// the tenant's cached coupons on every write made through it. <see cref="IncrementUsageAsync"/> always goes to the
/// store (the usage limit is enforced there, atomically) and invalidates. Codes are cached case-insensitively, like the
/// lookup. An auto-apply result is cached no longer than the earliest expiry among its coupons; a coupon whose
/// <c>starts_at</c> passes, or another instance's write, shows up after at most the TTL.
/// </summary>
/// <param name="inner">The repository of the tenant.</param>
/// <param name="cache">The shared cache state.</param>
/// <param name="tenantId">The tenant of <paramref name="inner"/> (part of every cache key).</param>
internal sealed class CachedCouponRepository(ICouponRepository inner, StorageCatalogCache cache, string tenantId) : ICouponRepository
{
    private const string Catalogue = "coupons";
    private readonly string _tenant = TenantIds.Require(tenantId);

    /// <inheritdoc />
    public Task<Coupon?> GetCouponAsync(string code, CancellationToken cancellationToken = default) =>
        cache.GetOrLoadAsync(_tenant, Catalogue, "code:" + KeyPart(code).ToUpperInvariant(), () => inner.GetCouponAsync(code, cancellationToken));

    /// <inheritdoc />
    public Task<IReadOnlyList<Coupon>> ListCouponsAsync(CancellationToken cancellationToken = default) =>
        cache.GetOrLoadAsync(_tenant, Catalogue, "list", () => inner.ListCouponsAsync(cancellationToken));

    /// <inheritdoc />
    public Task<IReadOnlyList<Coupon>> GetAutoApplyCouponsForPaymentAsync(string productId, string paymentMethod,
        CancellationToken cancellationToken = default) =>
        cache.GetOrLoadAsync(_tenant, Catalogue, $"auto:{KeyPart(paymentMethod).Length}:{paymentMethod}:{productId}",
            () => inner.GetAutoApplyCouponsForPaymentAsync(productId, paymentMethod, cancellationToken),
            EarliestExpiry);

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<string, IReadOnlyList<Coupon>>> GetAllAutoApplyCouponsForPaymentAsync(string paymentMethod,
        CancellationToken cancellationToken = default) =>
        cache.GetOrLoadAsync(_tenant, Catalogue, "auto-all:" + paymentMethod,
            () => inner.GetAllAutoApplyCouponsForPaymentAsync(paymentMethod, cancellationToken),
            map => EarliestExpiry(map.Values.SelectMany(c => c).ToList()));

    /// <inheritdoc />
    public Task CreateCouponAsync(Coupon coupon, CancellationToken cancellationToken = default) =>
        WriteAsync(() => inner.CreateCouponAsync(coupon, cancellationToken));

    /// <inheritdoc />
    public Task UpdateCouponAsync(Coupon coupon, CancellationToken cancellationToken = default) =>
        WriteAsync(() => inner.UpdateCouponAsync(coupon, cancellationToken));

    /// <inheritdoc />
    public async Task<int> IncrementUsageAsync(string code, CancellationToken cancellationToken = default)
    {
        try
        {
            return await inner.IncrementUsageAsync(code, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            cache.Invalidate(_tenant, Catalogue);
        }
    }

    /// <inheritdoc />
    public Task DeleteCouponAsync(string code, CancellationToken cancellationToken = default) =>
        WriteAsync(() => inner.DeleteCouponAsync(code, cancellationToken));

    // A null argument (a caller ignoring nullability) must reach the store's validation, not fail building a key.
    private static string KeyPart(string? value) => value ?? "";

    private static DateTimeOffset? EarliestExpiry(IReadOnlyList<Coupon> coupons)
    {
        DateTimeOffset? earliest = null;
        foreach (var coupon in coupons)
        {
            if (coupon.ExpiresAt is { } at && (earliest is null || at < earliest))
                earliest = at;
        }
        return earliest;
    }

    private async Task WriteAsync(Func<Task> write)
    {
        try
        {
            await write().ConfigureAwait(false);
        }
        finally
        {
            cache.Invalidate(_tenant, Catalogue);
        }
    }
}
