using Cedros.Storage.Internal;
using Cedros.Storage.Validation;

namespace Cedros.Storage.InMemory;

internal sealed partial class InMemoryStore
{
    public Task SaveStripeSessionAsync(StripeSession session, CancellationToken cancellationToken)
    {
        var prepared = Prepare.StripeSession(TenantId, session, Now);
        return RunAsync(t =>
        {
            if (t.StripeSessions.TryGetValue(Key(prepared.Id), out var existing) && existing.Status == StripeSessionStatus.Completed)
                throw new StorageConflictException($"stripe session '{prepared.Id}' is completed and can no longer change.");
            t.StripeSessions = t.StripeSessions.SetItem(Key(prepared.Id), prepared);
        }, cancellationToken);
    }

    public Task<StripeSession?> GetStripeSessionAsync(string sessionId, CancellationToken cancellationToken)
    {
        Check.Id(sessionId, "session id");
        return RunAsync(t => t.StripeSessions.GetValueOrDefault(Key(sessionId)), cancellationToken);
    }

    public Task<bool> CompleteStripeSessionAsync(string sessionId, DateTimeOffset completedAt, CancellationToken cancellationToken)
    {
        Check.Id(sessionId, "session id");
        var at = StorageTime.Micro(completedAt);
        return RunAsync(t =>
        {
            if (!t.StripeSessions.TryGetValue(Key(sessionId), out var session)) throw new StorageNotFoundException("stripe session", sessionId);
            switch (session.Status)
            {
                case StripeSessionStatus.Completed:
                    return false;
                case StripeSessionStatus.Expired:
                    throw new StorageConflictException($"stripe session '{sessionId}' has expired and cannot complete.");
                default:
                    t.StripeSessions = t.StripeSessions.SetItem(Key(sessionId), session with { Status = StripeSessionStatus.Completed, CompletedAt = at });
                    return true;
            }
        }, cancellationToken);
    }

    public Task<IReadOnlyList<StripeSession>> ListStripeSessionsByResourceAsync(string resourceId, StripeSessionStatus? status, int limit, CancellationToken cancellationToken)
    {
        Check.Id(resourceId, "resource_id");
        if (status is { } s) Check.Defined(s, "status");
        Check.Page(limit);
        return RunAsync<IReadOnlyList<StripeSession>>(t => t.StripeSessions
            .Where(p => p.Key.Tenant == TenantId)
            .Select(p => p.Value)
            .Where(x => string.Equals(x.ResourceId, resourceId, StringComparison.Ordinal) && (status is null || x.Status == status))
            .OrderByDescending(x => x.CreatedAt).ThenByDescending(x => x.Id, Utf8Order.Instance)
            .Take(limit)
            .ToArray(), cancellationToken);
    }

    public Task<long> ExpireStripeSessionsAsync(DateTimeOffset createdBefore, CancellationToken cancellationToken)
    {
        var cutoff = StorageTime.Micro(createdBefore);
        return RunAsync(t =>
        {
            var expired = t.StripeSessions
                .Where(p => p.Key.Tenant == TenantId && p.Value.Status == StripeSessionStatus.Pending && p.Value.CreatedAt < cutoff)
                .ToArray();
            t.StripeSessions = t.StripeSessions.SetItems(expired.Select(p =>
                KeyValuePair.Create(p.Key, p.Value with { Status = StripeSessionStatus.Expired })));
            return (long)expired.Length;
        }, cancellationToken);
    }
}
