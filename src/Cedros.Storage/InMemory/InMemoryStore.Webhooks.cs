using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Internal;

namespace Cedros.Storage.InMemory;

internal sealed partial class InMemoryStore : IWebhookDriver
{
    public Task<WebhookInsert> InsertWebhookAsync(PendingWebhook webhook, CancellationToken cancellationToken) =>
        RunAsync(tables =>
        {
            if (tables.Webhooks.TryGetValue(webhook.Id, out var existing))
                return existing.TenantId == TenantId ? WebhookInsert.Exists : WebhookInsert.OtherTenant;
            tables.Webhooks = tables.Webhooks.Add(webhook.Id, webhook);
            return WebhookInsert.Inserted;
        }, cancellationToken);

    public Task<IReadOnlyList<ClaimedWebhook>> ClaimDueWebhooksAsync(int limit, DateTimeOffset now, DateTimeOffset leaseUntil,
        CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<ClaimedWebhook>>(tables =>
        {
            var claimed = tables.Webhooks.Values
                .Where(w => w.Status switch
                {
                    WebhookStatus.Pending => w.NextAttemptAt <= now,
                    WebhookStatus.Processing => w.LockedUntil <= now,
                    _ => false,
                })
                .OrderBy(w => w.NextAttemptAt).ThenBy(w => w.Id, Utf8Order.Instance)
                .Take(limit)
                .Select(w => new ClaimedWebhook(Claim(w, now, leaseUntil), w.Status == WebhookStatus.Processing))
                .ToArray();
            tables.Webhooks = tables.Webhooks.SetItems(claimed.Select(c => KeyValuePair.Create(c.Webhook.Id, c.Webhook)));
            return claimed;
        }, cancellationToken);

    public Task<WebhookChange> ClaimWebhookAsync(string webhookId, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken) =>
        RunAsync(tables =>
        {
            if (!tables.Webhooks.TryGetValue(webhookId, out var webhook)) return WebhookChange.Unchanged(null);
            var updated = webhook.Status switch
            {
                WebhookStatus.Pending => Claim(webhook, now, leaseUntil),
                WebhookStatus.Processing => webhook with { LockedUntil = leaseUntil },
                _ => null,
            };
            if (updated is null) return WebhookChange.Unchanged(EnumText<WebhookStatus>.ToText(webhook.Status));
            tables.Webhooks = tables.Webhooks.SetItem(webhookId, updated);
            return WebhookChange.Done(updated);
        }, cancellationToken);

    public Task<WebhookChange> CompleteWebhookAsync(string webhookId, string? claimToken, DateTimeOffset now, CancellationToken cancellationToken) =>
        ReleaseAsync(webhookId, claimToken, w => w with { Status = WebhookStatus.Success, CompletedAt = now }, cancellationToken);

    public Task<WebhookChange> FailWebhookAsync(string webhookId, string? claimToken, string error, DateTimeOffset nextAttemptAt,
        DateTimeOffset now, CancellationToken cancellationToken) =>
        ReleaseAsync(webhookId, claimToken, w => Webhooks.WebhookRetry.IsExhausted(w.Attempts, w.MaxAttempts)
            ? w with { Status = WebhookStatus.Failed, LastError = error, CompletedAt = now }
            : w with { Status = WebhookStatus.Pending, LastError = error, CompletedAt = null, NextAttemptAt = nextAttemptAt },
            cancellationToken);

    public Task<IReadOnlyList<string>> CompleteWebhooksAsync(IReadOnlyList<HeldClaim> claims, DateTimeOffset now, CancellationToken cancellationToken) =>
        ReleaseAllAsync(claims, c => (c.Id, c.ClaimToken), (w, _) => w with { Status = WebhookStatus.Success, CompletedAt = now }, cancellationToken);

    public Task<IReadOnlyList<string>> FailWebhooksAsync(IReadOnlyList<FailedClaim> failures, DateTimeOffset now, CancellationToken cancellationToken) =>
        ReleaseAllAsync(failures, f => (f.Id, f.ClaimToken), (w, f) => Webhooks.WebhookRetry.IsExhausted(w.Attempts, w.MaxAttempts)
            ? w with { Status = WebhookStatus.Failed, LastError = f.Error, CompletedAt = now }
            : w with { Status = WebhookStatus.Pending, LastError = f.Error, CompletedAt = null, NextAttemptAt = f.NextAttemptAt },
            cancellationToken);

    /// <summary>Under one lock, applies <paramref name="change"/> to every webhook of <paramref name="items"/> still
    /// processing under its claim token, and releases those claims; returns their ids.</summary>
    private Task<IReadOnlyList<string>> ReleaseAllAsync<T>(IReadOnlyList<T> items, Func<T, (string Id, string Token)> claim,
        Func<PendingWebhook, T, PendingWebhook> change, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<string>>(tables =>
        {
            var done = new List<string>(items.Count);
            var builder = tables.Webhooks.ToBuilder();
            foreach (var item in items)
            {
                var (id, token) = claim(item);
                if (!builder.TryGetValue(id, out var webhook) || webhook.Status != WebhookStatus.Processing
                    || !string.Equals(webhook.ClaimToken, token, StringComparison.Ordinal))
                    continue;
                builder[id] = change(webhook, item) with { LockedUntil = null, ClaimToken = null };
                done.Add(id);
            }
            tables.Webhooks = builder.ToImmutable();
            return done;
        }, cancellationToken);

    /// <summary>Applies <paramref name="change"/> to a processing webhook whose claim (when given) still holds, and
    /// releases the claim.</summary>
    private Task<WebhookChange> ReleaseAsync(string webhookId, string? claimToken, Func<PendingWebhook, PendingWebhook> change,
        CancellationToken cancellationToken) =>
        RunAsync(tables =>
        {
            if (!tables.Webhooks.TryGetValue(webhookId, out var webhook)) return WebhookChange.Unchanged(null);
            if (webhook.Status != WebhookStatus.Processing
                || (claimToken is not null && !string.Equals(webhook.ClaimToken, claimToken, StringComparison.Ordinal)))
                return WebhookChange.Unchanged(EnumText<WebhookStatus>.ToText(webhook.Status));
            tables.Webhooks = tables.Webhooks.SetItem(webhookId, change(webhook) with { LockedUntil = null, ClaimToken = null });
            return WebhookChange.Done();
        }, cancellationToken);

    public Task<PendingWebhook?> SelectWebhookAsync(string webhookId, CancellationToken cancellationToken) =>
        RunAsync(tables => tables.Webhooks.GetValueOrDefault(webhookId) is { } w && w.TenantId == TenantId ? w : null, cancellationToken);

    public Task<IReadOnlyList<PendingWebhook>> SelectWebhooksAsync(WebhookStatus? status, int limit, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<PendingWebhook>>(tables => tables.Webhooks.Values
            .Where(w => w.TenantId == TenantId && (status is null || w.Status == status))
            .OrderByDescending(w => w.CreatedAt).ThenByDescending(w => w.Id, Utf8Order.Instance)
            .Take(limit)
            .ToArray(), cancellationToken);

    public Task<IReadOnlyDictionary<WebhookStatus, long>> CountWebhooksAsync(CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyDictionary<WebhookStatus, long>>(tables => CountByStatus(tables.Webhooks.Values.Where(w => w.TenantId == TenantId)), cancellationToken);

    public Task<WebhookChange> ResetWebhookAsync(string webhookId, DateTimeOffset now, CancellationToken cancellationToken) =>
        RunAsync(tables =>
        {
            if (tables.Webhooks.GetValueOrDefault(webhookId) is not { } webhook || webhook.TenantId != TenantId)
                return WebhookChange.Unchanged(null);
            if (webhook.Status == WebhookStatus.Processing) return WebhookChange.Unchanged(EnumText<WebhookStatus>.ToText(webhook.Status));
            tables.Webhooks = tables.Webhooks.SetItem(webhookId, webhook with
            {
                Status = WebhookStatus.Pending,
                Attempts = 0,
                NextAttemptAt = now,
                LastError = null,
                CompletedAt = null,
                LockedUntil = null,
                ClaimToken = null,
            });
            return WebhookChange.Done();
        }, cancellationToken);

    public Task<bool> DeleteWebhookRowAsync(string webhookId, CancellationToken cancellationToken) =>
        RunAsync(tables =>
        {
            if (tables.Webhooks.GetValueOrDefault(webhookId) is not { } w || w.TenantId != TenantId) return false;
            tables.Webhooks = tables.Webhooks.Remove(webhookId);
            return true;
        }, cancellationToken);

    public Task<int> DeleteCompletedWebhooksAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken) =>
        RunAsync(tables =>
        {
            var batch = tables.Webhooks.Values
                .Where(w => w.Status is WebhookStatus.Success or WebhookStatus.Failed && w.CompletedAt < cutoff)
                .Select(w => w.Id).Take(batchSize).ToArray();
            tables.Webhooks = tables.Webhooks.RemoveRange(batch);
            return batch.Length;
        }, cancellationToken);

    public Task<WebhookQueueStats> ReadWebhookQueueStatsAsync(CancellationToken cancellationToken) =>
        RunAsync(tables =>
        {
            var pending = tables.Webhooks.Values.Where(w => w.Status == WebhookStatus.Pending).ToArray();
            return new WebhookQueueStats(CountByStatus(tables.Webhooks.Values), pending.Min(w => w.CreatedAt), pending.Min(w => w.NextAttemptAt));
        }, cancellationToken);

    private static System.Collections.ObjectModel.ReadOnlyDictionary<WebhookStatus, long> CountByStatus(IEnumerable<PendingWebhook> webhooks)
    {
        var counts = Enum.GetValues<WebhookStatus>().ToDictionary(s => s, _ => 0L);
        foreach (var w in webhooks) counts[w.Status]++;
        return counts.AsReadOnly();
    }

    private static PendingWebhook Claim(PendingWebhook w, DateTimeOffset now, DateTimeOffset leaseUntil) => w with
    {
        Status = WebhookStatus.Processing,
        Attempts = w.Attempts + 1,
        LastAttemptAt = now,
        LockedUntil = leaseUntil,
        ClaimToken = Ids.NewToken(),
    };
}
