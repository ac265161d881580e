using Cedros.Storage.Internal;
using Cedros.Storage.Validation;

namespace Cedros.Storage.FrontDoor;

internal sealed partial class TenantStore
{
    public Task SaveStripeSessionAsync(StripeSession session, CancellationToken cancellationToken = default) =>
        Call("SaveStripeSession", "sessions", async ct =>
        {
            var prepared = Prepare.StripeSession(TenantId, session, Now);
            if (!await Driver.UpsertStripeSessionUnlessCompletedAsync(prepared, ct).ConfigureAwait(false))
                throw Conflicts.StripeSessionCompleted(prepared.Id);
        }, cancellationToken);

    public Task<StripeSession?> GetStripeSessionAsync(string sessionId, CancellationToken cancellationToken = default) =>
        Call("GetStripeSession", "sessions",
            async ct => await Driver.FindStripeSessionAsync(Check.Id(sessionId, "session id"), ct).ConfigureAwait(false), cancellationToken);

    public Task<bool> CompleteStripeSessionAsync(string sessionId, DateTimeOffset completedAt, CancellationToken cancellationToken = default) =>
        Call("CompleteStripeSession", "sessions", async ct =>
        {
            Check.Id(sessionId, "session id");
            var outcome = await Driver.CompletePendingStripeSessionAsync(sessionId, StorageTime.Micro(completedAt), ct).ConfigureAwait(false);
            if (outcome.Completed) return true;
            return outcome.StatusWas switch
            {
                null => throw new StorageNotFoundException("stripe session", sessionId),
                StripeSessionStatus.Expired => throw Conflicts.StripeSessionExpired(sessionId),
                _ => false,
            };
        }, cancellationToken);

    public Task<IReadOnlyList<StripeSession>> ListStripeSessionsByResourceAsync(string resourceId, StripeSessionStatus? status, int limit, CancellationToken cancellationToken = default) =>
        Call("ListStripeSessionsByResource", "sessions", async ct =>
        {
            Check.Id(resourceId, "resource_id");
            if (status is { } s) Check.Defined(s, "status");
            Check.Page(limit);
            return await Driver.SelectStripeSessionsByResourceAsync(resourceId, status, limit, ct).ConfigureAwait(false);
        }, cancellationToken);

    public Task<long> ExpireStripeSessionsAsync(DateTimeOffset createdBefore, CancellationToken cancellationToken = default) =>
        Call("ExpireStripeSessions", "sessions",
            ct => Driver.ExpirePendingStripeSessionsAsync(StorageTime.Micro(createdBefore), ct), cancellationToken);
}
