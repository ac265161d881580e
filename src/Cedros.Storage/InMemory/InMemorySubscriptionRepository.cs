namespace Cedros.Storage.InMemory;

internal sealed class InMemorySubscriptionRepository(InMemoryStore store) : ISubscriptionRepository
{
    private readonly InMemoryStore _store = store;

    public Task CreateAsync(Subscription subscription, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<Subscription?> GetAsync(string id, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task UpdateAsync(Subscription subscription, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task DeleteAsync(string id, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<Subscription?> GetByWalletAsync(string wallet, string productId, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<Subscription?> GetByStripeSubscriptionIdAsync(string stripeSubscriptionId, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<IReadOnlyList<Subscription>> GetByStripeCustomerIdAsync(string customerId, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<IReadOnlyList<Subscription>> ListByProductAsync(string productId, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<IReadOnlyList<Subscription>> ListActiveAsync(string? productId, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<IReadOnlyList<Subscription>> ListExpiringAsync(DateTimeOffset before, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task UpdateStatusAsync(string id, SubscriptionStatus status, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task ExtendPeriodAsync(string id, DateTimeOffset newStart, DateTimeOffset newEnd, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task ExtendPeriodAsync(string id, DateTimeOffset newStart, DateTimeOffset newEnd, DateTimeOffset expectedCurrentEnd, CancellationToken cancellationToken) => throw new NotImplementedException();
}
