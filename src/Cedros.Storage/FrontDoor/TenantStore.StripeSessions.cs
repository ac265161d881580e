namespace Cedros.Storage.FrontDoor;

internal sealed partial class TenantStore
{
    public Task SaveStripeSessionAsync(StripeSession session, CancellationToken cancellationToken = default) =>
        Call("SaveStripeSession", "sessions", ct => Driver.SaveStripeSessionAsync(session, ct), cancellationToken);

    public Task<StripeSession?> GetStripeSessionAsync(string sessionId, CancellationToken cancellationToken = default) =>
        Call("GetStripeSession", "sessions", ct => Driver.GetStripeSessionAsync(sessionId, ct), cancellationToken);

    public Task<bool> CompleteStripeSessionAsync(string sessionId, DateTimeOffset completedAt, CancellationToken cancellationToken = default) =>
        Call("CompleteStripeSession", "sessions", ct => Driver.CompleteStripeSessionAsync(sessionId, completedAt, ct), cancellationToken);

    public Task<IReadOnlyList<StripeSession>> ListStripeSessionsByResourceAsync(string resourceId, StripeSessionStatus? status, int limit, CancellationToken cancellationToken = default) =>
        Call("ListStripeSessionsByResource", "sessions", ct => Driver.ListStripeSessionsByResourceAsync(resourceId, status, limit, ct), cancellationToken);

    public Task<long> ExpireStripeSessionsAsync(DateTimeOffset createdBefore, CancellationToken cancellationToken = default) =>
        Call("ExpireStripeSessions", "sessions", ct => Driver.ExpireStripeSessionsAsync(createdBefore, ct), cancellationToken);
}
