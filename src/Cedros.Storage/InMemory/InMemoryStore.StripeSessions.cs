using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Internal;

namespace Cedros.Storage.InMemory;

internal sealed partial class InMemoryStore : IStripeSessionDriver
{
    public Task<bool> UpsertStripeSessionUnlessCompletedAsync(StripeSession session, CancellationToken cancellationToken) =>
        RunAsync(t =>
        {
            if (t.StripeSessions.TryGetValue(Key(session.Id), out var existing) && existing.Status == StripeSessionStatus.Completed) return false;
            t.StripeSessions = t.StripeSessions.SetItem(Key(session.Id), session);
            return true;
        }, cancellationToken);

    public Task<StripeSession?> FindStripeSessionAsync(string sessionId, CancellationToken cancellationToken) =>
        RunAsync(t => t.StripeSessions.GetValueOrDefault(Key(sessionId)), cancellationToken);

    public Task<StripeSessionCompletion> CompletePendingStripeSessionAsync(string sessionId, DateTimeOffset completedAt, CancellationToken cancellationToken) =>
        RunAsync(t =>
        {
            if (!t.StripeSessions.TryGetValue(Key(sessionId), out var session)) return new StripeSessionCompletion(false, null);
            if (session.Status != StripeSessionStatus.Pending) return new StripeSessionCompletion(false, session.Status);
            t.StripeSessions = t.StripeSessions.SetItem(Key(sessionId), session with { Status = StripeSessionStatus.Completed, CompletedAt = completedAt });
            return StripeSessionCompletion.Done;
        }, cancellationToken);

    public Task<IReadOnlyList<StripeSession>> SelectStripeSessionsByResourceAsync(string resourceId, StripeSessionStatus? status, int limit,
        CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<StripeSession>>(t => t.StripeSessions
            .Where(p => p.Key.Tenant == TenantId)
            .Select(p => p.Value)
            .Where(x => string.Equals(x.ResourceId, resourceId, StringComparison.Ordinal) && (status is null || x.Status == status))
            .OrderByDescending(x => x.CreatedAt).ThenByDescending(x => x.Id, Utf8Order.Instance)
            .Take(limit)
            .ToArray(), cancellationToken);

    public Task<long> ExpirePendingStripeSessionsAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        RunAsync(t =>
        {
            var expired = t.StripeSessions
                .Where(p => p.Key.Tenant == TenantId && p.Value.Status == StripeSessionStatus.Pending && p.Value.CreatedAt < cutoff)
                .ToArray();
            t.StripeSessions = t.StripeSessions.SetItems(expired.Select(p =>
                KeyValuePair.Create(p.Key, p.Value with { Status = StripeSessionStatus.Expired })));
            return (long)expired.Length;
        }, cancellationToken);
}
