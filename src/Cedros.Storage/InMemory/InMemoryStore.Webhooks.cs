using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Internal;

namespace Cedros.Storage.InMemory;

internal sealed partial class InMemoryStore : IWebhookDriver
{
    public Task<WebhookInsert> InsertWebhookAsync(PendingWebhook webhook, CancellationToken cancellationToken) =>
        WriteAsync(tables => Table.TryAdd(ref tables.Webhooks, webhook.Id, webhook) ? WebhookInsert.Inserted
            : tables.Webhooks[webhook.Id].TenantId == TenantId ? WebhookInsert.Exists : WebhookInsert.OtherTenant, _ => [webhook.Id], cancellationToken);

    public Task<IReadOnlyList<ClaimedWebhook>> ClaimDueWebhooksAsync(int limit, DateTimeOffset now, DateTimeOffset leaseUntil,
        CancellationToken cancellationToken) =>
        WriteAsync<IReadOnlyList<ClaimedWebhook>>(tables =>
        {
            // Due: pending whose attempt time came, or processing whose lease ended.
            var claimed = tables.WebhooksDue.Candidates(now, limit).Select(id => tables.Webhooks[id])
                .OrderBy(w => w.NextAttemptAt).ThenBy(w => w.Id, Utf8Order.Instance).Take(limit)
                .Select(w => new ClaimedWebhook(Claim(w, now, leaseUntil), w.Status == WebhookStatus.Processing)).ToArray();
            tables.Webhooks = tables.Webhooks.SetItems(claimed.Select(c => KeyValuePair.Create(c.Webhook.Id, c.Webhook)));
            return claimed;
        }, claimed => claimed.Select(c => c.Webhook.Id), cancellationToken);

    public Task<WebhookChange> ClaimWebhookAsync(string webhookId, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken) =>
        WriteAsync(tables => Table.ChangeIf(ref tables.Webhooks, webhookId, w => w.Status is WebhookStatus.Pending or WebhookStatus.Processing,
            w => w.Status == WebhookStatus.Pending ? Claim(w, now, leaseUntil) : w with { LockedUntil = leaseUntil },
            WebhookChange.Unchanged(null), w => WebhookChange.Unchanged(EnumText<WebhookStatus>.ToText(w.Status)), WebhookChange.Done),
            _ => [webhookId], cancellationToken);

    public Task<WebhookChange> CompleteWebhookAsync(string webhookId, string? claimToken, DateTimeOffset now, CancellationToken cancellationToken) =>
        ReleaseAsync(webhookId, claimToken, w => w with { Status = WebhookStatus.Success, CompletedAt = now }, cancellationToken);

    public Task<WebhookChange> FailWebhookAsync(string webhookId, string? claimToken, string error, DateTimeOffset nextAttemptAt,
        DateTimeOffset now, CancellationToken cancellationToken) =>
        ReleaseAsync(webhookId, claimToken, w => Fail(w, error, nextAttemptAt, now), cancellationToken);

    public Task<IReadOnlyList<string>> CompleteWebhooksAsync(IReadOnlyList<HeldClaim> claims, DateTimeOffset now, CancellationToken cancellationToken) =>
        ReleaseAllAsync(claims, c => (c.Id, c.ClaimToken), (w, _) => w with { Status = WebhookStatus.Success, CompletedAt = now }, cancellationToken);

    public Task<IReadOnlyList<string>> FailWebhooksAsync(IReadOnlyList<FailedClaim> failures, DateTimeOffset now, CancellationToken cancellationToken) =>
        ReleaseAllAsync(failures, f => (f.Id, f.ClaimToken), (w, f) => Fail(w, f.Error, f.NextAttemptAt, now), cancellationToken);

    /// <summary>Under one lock, applies <paramref name="change"/> to every webhook of <paramref name="items"/> (distinct
    /// ids) still processing under its claim token, and releases those claims; returns their ids.</summary>
    private Task<IReadOnlyList<string>> ReleaseAllAsync<T>(IReadOnlyList<T> items, Func<T, (string Id, string Token)> claim,
        Func<PendingWebhook, T, PendingWebhook> change, CancellationToken cancellationToken) =>
        WriteAsync<IReadOnlyList<string>>(tables =>
        {
            var held = items.Select(item => (item, row: tables.Webhooks.GetValueOrDefault(claim(item).Id)))
                .Where(x => x.row is not null && IsHeld(x.row, claim(x.item).Token)).Select(x => Released(change(x.row!, x.item))).ToArray();
            tables.Webhooks = tables.Webhooks.SetItems(held.Select(w => KeyValuePair.Create(w.Id, w)));
            return [.. held.Select(w => w.Id)];
        }, ids => ids, cancellationToken);

    /// <summary>Applies <paramref name="change"/> to a processing webhook whose claim (when given) still holds, and
    /// releases the claim.</summary>
    private Task<WebhookChange> ReleaseAsync(string webhookId, string? claimToken, Func<PendingWebhook, PendingWebhook> change,
        CancellationToken cancellationToken) =>
        WriteAsync(tables => Table.ChangeIf(ref tables.Webhooks, webhookId, w => IsHeld(w, claimToken), w => Released(change(w)),
            WebhookChange.Unchanged(null), w => WebhookChange.Unchanged(EnumText<WebhookStatus>.ToText(w.Status)), _ => WebhookChange.Done()),
            _ => [webhookId], cancellationToken);

    public Task<PendingWebhook?> SelectWebhookAsync(string webhookId, CancellationToken cancellationToken) =>
        RunAsync(tables => tables.Webhooks.GetValueOrDefault(webhookId) is { } w && w.TenantId == TenantId ? w : null, cancellationToken);

    public Task<IReadOnlyList<PendingWebhook>> SelectWebhooksAsync(WebhookStatus? status, int limit, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<PendingWebhook>>(tables => Table.NewestFirst(tables.Webhooks.Values
            .Where(w => w.TenantId == TenantId && (status is null || w.Status == status)), w => w.CreatedAt, w => w.Id, limit), cancellationToken);

    public Task<IReadOnlyDictionary<WebhookStatus, long>> CountWebhooksAsync(CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyDictionary<WebhookStatus, long>>(tables => CountByStatus(tables.Webhooks.Values.Where(w => w.TenantId == TenantId)), cancellationToken);

    public Task<WebhookChange> ResetWebhookAsync(string webhookId, DateTimeOffset now, CancellationToken cancellationToken) =>
        // Another tenant's webhook is absent to this tenant.
        WriteAsync(tables => Table.ChangeIf(ref tables.Webhooks, webhookId, w => w.TenantId == TenantId && w.Status != WebhookStatus.Processing,
            w => Released(w) with { Status = WebhookStatus.Pending, Attempts = 0, NextAttemptAt = now, LastError = null, CompletedAt = null },
            WebhookChange.Unchanged(null), w => WebhookChange.Unchanged(w.TenantId == TenantId ? EnumText<WebhookStatus>.ToText(w.Status) : null),
            _ => WebhookChange.Done()), _ => [webhookId], cancellationToken);

    public Task<bool> DeleteWebhookRowAsync(string webhookId, CancellationToken cancellationToken) =>
        WriteAsync(tables => Table.RemoveIf(ref tables.Webhooks, webhookId, w => w.TenantId == TenantId), _ => [webhookId], cancellationToken);

    /// <summary>Completed webhooks are never in the claim index.</summary>
    public Task<int> DeleteCompletedWebhooksAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken) =>
        RunAsync(tables => Table.RemoveWhere(ref tables.Webhooks,
            w => w.Status is WebhookStatus.Success or WebhookStatus.Failed && w.CompletedAt < cutoff, batchSize), cancellationToken);

    public Task<WebhookQueueStats> ReadWebhookQueueStatsAsync(CancellationToken cancellationToken) =>
        RunAsync(tables =>
        {
            var pending = tables.Webhooks.Values.Where(w => w.Status == WebhookStatus.Pending).ToArray();
            return new WebhookQueueStats(CountByStatus(tables.Webhooks.Values), pending.Min(w => w.CreatedAt), pending.Min(w => w.NextAttemptAt));
        }, cancellationToken);

    private static System.Collections.ObjectModel.ReadOnlyDictionary<WebhookStatus, long> CountByStatus(IEnumerable<PendingWebhook> webhooks) =>
        WebhookCounts.ByStatus(webhooks.Select(w => (w.Status, 1L)));

    /// <summary>Dead-letters when the claimed attempts are used up, else back to pending at <paramref name="next"/>.</summary>
    private static PendingWebhook Fail(PendingWebhook w, string error, DateTimeOffset next, DateTimeOffset now) =>
        Webhooks.WebhookRetry.IsExhausted(w.Attempts, w.MaxAttempts)
            ? w with { Status = WebhookStatus.Failed, LastError = error, CompletedAt = now }
            : w with { Status = WebhookStatus.Pending, LastError = error, CompletedAt = null, NextAttemptAt = next };

    private static PendingWebhook Claim(PendingWebhook w, DateTimeOffset now, DateTimeOffset leaseUntil) => w with
    {
        Status = WebhookStatus.Processing,
        Attempts = w.Attempts + 1,
        LastAttemptAt = now,
        LockedUntil = leaseUntil,
        ClaimToken = Ids.NewToken(),
    };

    /// <summary>Processing under <paramref name="claimToken"/> (any claim when null).</summary>
    private static bool IsHeld(PendingWebhook w, string? claimToken) =>
        w.Status == WebhookStatus.Processing && (claimToken is null || string.Equals(w.ClaimToken, claimToken, StringComparison.Ordinal));

    private static PendingWebhook Released(PendingWebhook w) => w with { LockedUntil = null, ClaimToken = null };

    /// <summary>A webhook write: <paramref name="write"/>, then the claim index brought in step for the rows it names.</summary>
    private Task<T> WriteAsync<T>(Func<InMemoryTables, T> write, Func<T, IEnumerable<string>> changed, CancellationToken cancellationToken) =>
        RunAsync(tables =>
        {
            var before = tables.Webhooks;
            var result = write(tables);
            tables.WebhooksDue = tables.WebhooksDue.Sync(before, tables.Webhooks, changed(result));
            return result;
        }, cancellationToken);
}
