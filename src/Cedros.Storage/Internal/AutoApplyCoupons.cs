using Cedros.Storage.Validation;

namespace Cedros.Storage.Internal;

/// <summary>
/// The database-independent parts of the auto-apply coupon queries, shared by every backend: the check of the
/// payment-method argument and the grouping of eligible coupons by product. Which coupons are eligible (and their
/// order) is each backend's query.
/// </summary>
internal static class AutoApplyCoupons
{
    /// <summary>The key under which scope-all coupons appear in the by-product map.</summary>
    public const string AllProducts = "*";

    /// <summary>The payment method to match: null reads as "", longer than the text limit is Validation.</summary>
    public static string Method(string? paymentMethod) => Check.Text(paymentMethod ?? "", "payment_method")!;

    /// <summary>
    /// Lists each coupon under every product it names (once per product) or under <see cref="AllProducts"/> when its
    /// scope is all, keeping the given order within each list.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<Coupon>> ByProduct(IEnumerable<Coupon> ordered)
    {
        var byProduct = new Dictionary<string, List<Coupon>>(StringComparer.Ordinal);
        foreach (var coupon in ordered)
        {
            var keys = coupon.Scope == CouponScope.All ? [AllProducts] : coupon.ProductIds.Distinct(StringComparer.Ordinal);
            foreach (var key in keys)
            {
                if (!byProduct.TryGetValue(key, out var list)) byProduct[key] = list = [];
                list.Add(coupon);
            }
        }
        return byProduct.ToDictionary(p => p.Key, p => (IReadOnlyList<Coupon>)p.Value.AsReadOnly(), StringComparer.Ordinal).AsReadOnly();
    }
}
