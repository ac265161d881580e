namespace Cedros.Storage.InMemory;

internal sealed class InMemoryCouponRepository(InMemoryStore store) : ICouponRepository
{
    private readonly InMemoryStore _store = store;

    public Task<Coupon?> GetCouponAsync(string code, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<IReadOnlyList<Coupon>> ListCouponsAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<IReadOnlyList<Coupon>> GetAutoApplyCouponsForPaymentAsync(string productId, string paymentMethod, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<IReadOnlyDictionary<string, IReadOnlyList<Coupon>>> GetAllAutoApplyCouponsForPaymentAsync(string paymentMethod, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task CreateCouponAsync(Coupon coupon, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task UpdateCouponAsync(Coupon coupon, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<int> IncrementUsageAsync(string code, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task DeleteCouponAsync(string code, CancellationToken cancellationToken) => throw new NotImplementedException();
}
