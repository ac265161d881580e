namespace Cedros.Storage.InMemory;

internal sealed partial class InMemoryStore
{
    public Task SaveStripeSessionAsync(StripeSession session, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<StripeSession?> GetStripeSessionAsync(string sessionId, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<bool> CompleteStripeSessionAsync(string sessionId, DateTimeOffset completedAt, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<IReadOnlyList<StripeSession>> ListStripeSessionsByResourceAsync(string resourceId, StripeSessionStatus? status, int limit, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<long> ExpireStripeSessionsAsync(DateTimeOffset createdBefore, CancellationToken cancellationToken) => throw new NotImplementedException();
}
