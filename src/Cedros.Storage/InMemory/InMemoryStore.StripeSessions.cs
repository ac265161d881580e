using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Internal;

namespace Cedros.Storage.InMemory;

internal sealed partial class InMemoryStore : IStripeSessionDriver
{
    public Task<bool> UpsertStripeSessionUnlessCompletedAsync(StripeSession session, CancellationToken cancellationToken) =>
        RunAsync(t => Table.UpsertAllUnless(ref t.StripeSessions, [session], s => Key(s.Id), s => s.Status == StripeSessionStatus.Completed) < 0,
            cancellationToken);

    public Task<StripeSession?> FindStripeSessionAsync(string sessionId, CancellationToken cancellationToken) =>
        RunAsync(t => t.StripeSessions.GetValueOrDefault(Key(sessionId)), cancellationToken);

    public Task<StripeSessionCompletion> CompletePendingStripeSessionAsync(string sessionId, DateTimeOffset completedAt, CancellationToken cancellationToken) =>
        RunAsync(t => Table.ChangeIf(ref t.StripeSessions, Key(sessionId), s => s.Status == StripeSessionStatus.Pending,
            s => s with { Status = StripeSessionStatus.Completed, CompletedAt = completedAt },
            new StripeSessionCompletion(false, null), s => new StripeSessionCompletion(false, s.Status), _ => StripeSessionCompletion.Done),
            cancellationToken);

    public Task<IReadOnlyList<StripeSession>> SelectStripeSessionsByResourceAsync(string resourceId, StripeSessionStatus? status, int limit,
        CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<StripeSession>>(t => Table.NewestFirst(Table.OfTenant(t.StripeSessions, TenantId)
            .Where(x => string.Equals(x.ResourceId, resourceId, StringComparison.Ordinal) && (status is null || x.Status == status)),
            x => x.CreatedAt, x => x.Id, limit), cancellationToken);

    public Task<long> ExpirePendingStripeSessionsAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) =>
        RunAsync(t => (long)Table.UpdateWhere(ref t.StripeSessions,
            s => s.TenantId == TenantId && s.Status == StripeSessionStatus.Pending && s.CreatedAt < cutoff,
            s => s with { Status = StripeSessionStatus.Expired }), cancellationToken);
}
