using Cedros.Storage.Internal;
using Cedros.Storage.Validation;
using Cedros.Storage.Webhooks;

namespace Cedros.Storage.InMemory;

internal sealed partial class InMemoryStore
{
    public Task<string> EnqueueWebhookAsync(PendingWebhook webhook, CancellationToken cancellationToken)
    {
        var prepared = Prepare.Webhook(TenantId, webhook, Now, Engine.Time);
        return RunAsync(tables =>
        {
            if (tables.Webhooks.TryGetValue(prepared.Id, out var existing))
            {
                // The id is the event id: a repeat in the same tenant is the same event. The same id in another
                // tenant is a collision that must neither overwrite nor reveal the other tenant's row.
                if (existing.TenantId == TenantId) return prepared.Id;
                throw new StorageConflictException($"webhook id '{prepared.Id}' is already in use.");
            }
            tables.Webhooks = tables.Webhooks.Add(prepared.Id, prepared);
            return prepared.Id;
        }, cancellationToken);
    }

    public Task<IReadOnlyList<PendingWebhook>> DequeueWebhooksAsync(int limit, CancellationToken cancellationToken)
    {
        Check.Page(limit);
        return RunAsync<IReadOnlyList<PendingWebhook>>(tables =>
        {
            var now = Now;
            var ready = tables.Webhooks.Values
                .Where(w => IsClaimable(w, now))
                .OrderBy(w => w.NextAttemptAt).ThenBy(w => w.Id, Utf8Order.Instance)
                .Take(limit)
                .Select(w => Claim(w, now))
                .ToArray();
            tables.Webhooks = tables.Webhooks.SetItems(ready.Select(w => KeyValuePair.Create(w.Id, w)));
            return ready;
        }, cancellationToken);
    }

    public Task<PendingWebhook> MarkWebhookProcessingAsync(string webhookId, CancellationToken cancellationToken)
    {
        Check.Id(webhookId, "webhook id");
        return RunAsync(tables =>
        {
            var now = Now;
            var webhook = FindWebhook(tables, webhookId);
            var updated = webhook.Status switch
            {
                WebhookStatus.Pending => Claim(webhook, now),
                WebhookStatus.Processing => webhook with { LockedUntil = now + Engine.Options.Webhooks.VisibilityTimeout },
                _ => throw WebhookDelivery.NotHeld(webhookId, EnumText<WebhookStatus>.ToText(webhook.Status), "pending or processing"),
            };
            tables.Webhooks = tables.Webhooks.SetItem(webhookId, updated);
            return updated;
        }, cancellationToken);
    }

    public Task MarkWebhookSuccessAsync(string webhookId, CancellationToken cancellationToken) =>
        MarkWebhookSuccessCoreAsync(webhookId, null, cancellationToken);

    public Task MarkWebhookSuccessAsync(string webhookId, string claimToken, CancellationToken cancellationToken) =>
        MarkWebhookSuccessCoreAsync(webhookId, Check.Id(claimToken, "claim token"), cancellationToken);

    private Task MarkWebhookSuccessCoreAsync(string webhookId, string? claimToken, CancellationToken cancellationToken)
    {
        Check.Id(webhookId, "webhook id");
        return RunAsync(tables =>
        {
            var webhook = HeldWebhook(tables, webhookId, claimToken);
            tables.Webhooks = tables.Webhooks.SetItem(webhookId, webhook with
            {
                Status = WebhookStatus.Success,
                CompletedAt = Now,
                LockedUntil = null,
                ClaimToken = null,
            });
        }, cancellationToken);
    }

    public Task MarkWebhookFailedAsync(string webhookId, string errorMessage, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken) =>
        MarkWebhookFailedCoreAsync(webhookId, errorMessage, nextAttemptAt, null, cancellationToken);

    public Task MarkWebhookFailedAsync(string webhookId, string errorMessage, DateTimeOffset nextAttemptAt, string claimToken, CancellationToken cancellationToken) =>
        MarkWebhookFailedCoreAsync(webhookId, errorMessage, nextAttemptAt, Check.Id(claimToken, "claim token"), cancellationToken);

    private Task MarkWebhookFailedCoreAsync(string webhookId, string? errorMessage, DateTimeOffset nextAttemptAt, string? claimToken,
        CancellationToken cancellationToken)
    {
        Check.Id(webhookId, "webhook id");
        var error = WebhookDelivery.ErrorText(errorMessage);
        var next = StorageTime.Micro(nextAttemptAt);
        return RunAsync(tables =>
        {
            var now = Now;
            var webhook = HeldWebhook(tables, webhookId, claimToken);
            var exhausted = WebhookRetry.IsExhausted(webhook.Attempts, webhook.MaxAttempts);
            tables.Webhooks = tables.Webhooks.SetItem(webhookId, webhook with
            {
                Status = exhausted ? WebhookStatus.Failed : WebhookStatus.Pending,
                LastError = error,
                CompletedAt = exhausted ? now : null,
                NextAttemptAt = exhausted ? webhook.NextAttemptAt : next,
                LockedUntil = null,
                ClaimToken = null,
            });
        }, cancellationToken);
    }

    public Task<PendingWebhook?> GetWebhookAsync(string webhookId, CancellationToken cancellationToken)
    {
        Check.Id(webhookId, "webhook id");
        return RunAsync(tables => tables.Webhooks.GetValueOrDefault(webhookId) is { } w && w.TenantId == TenantId ? w : null,
            cancellationToken);
    }

    public Task<IReadOnlyList<PendingWebhook>> ListWebhooksAsync(WebhookStatus? status, int limit, CancellationToken cancellationToken)
    {
        Check.Page(limit);
        if (status is { } s) Check.Defined(s, "status");
        return RunAsync<IReadOnlyList<PendingWebhook>>(tables => tables.Webhooks.Values
            .Where(w => w.TenantId == TenantId && (status is null || w.Status == status))
            .OrderByDescending(w => w.CreatedAt).ThenByDescending(w => w.Id, Utf8Order.Instance)
            .Take(limit)
            .ToArray(), cancellationToken);
    }

    public Task<IReadOnlyDictionary<WebhookStatus, long>> CountWebhooksByStatusAsync(CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyDictionary<WebhookStatus, long>>(tables =>
        {
            var counts = Enum.GetValues<WebhookStatus>().ToDictionary(s => s, _ => 0L);
            foreach (var w in tables.Webhooks.Values)
                if (w.TenantId == TenantId) counts[w.Status]++;
            return counts.AsReadOnly();
        }, cancellationToken);

    public Task RetryWebhookAsync(string webhookId, CancellationToken cancellationToken)
    {
        Check.Id(webhookId, "webhook id");
        return RunAsync(tables =>
        {
            var webhook = TenantWebhook(tables, webhookId);
            if (webhook.Status == WebhookStatus.Processing)
                throw new StorageConflictException($"webhook '{webhookId}' is being delivered; retrying it would deliver it twice.");
            tables.Webhooks = tables.Webhooks.SetItem(webhookId, webhook with
            {
                Status = WebhookStatus.Pending,
                Attempts = 0,
                NextAttemptAt = Now,
                LastError = null,
                CompletedAt = null,
                LockedUntil = null,
                ClaimToken = null,
            });
        }, cancellationToken);
    }

    public Task DeleteWebhookAsync(string webhookId, CancellationToken cancellationToken)
    {
        Check.Id(webhookId, "webhook id");
        return RunAsync(tables =>
        {
            TenantWebhook(tables, webhookId);
            tables.Webhooks = tables.Webhooks.Remove(webhookId);
        }, cancellationToken);
    }

    public Task<long> CleanupCompletedWebhooksAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        var cutoff = StorageTime.Micro(olderThan);
        return RunInBatchesAsync((tables, batchSize) =>
        {
            var batch = tables.Webhooks.Values
                .Where(w => w.Status is WebhookStatus.Success or WebhookStatus.Failed && w.CompletedAt < cutoff)
                .Select(w => w.Id).Take(batchSize).ToArray();
            tables.Webhooks = tables.Webhooks.RemoveRange(batch);
            return batch.Length;
        }, cancellationToken);
    }

    private static bool IsClaimable(PendingWebhook w, DateTimeOffset now) => w.Status switch
    {
        WebhookStatus.Pending => w.NextAttemptAt <= now,
        WebhookStatus.Processing => w.LockedUntil <= now,
        _ => false,
    };

    private PendingWebhook Claim(PendingWebhook w, DateTimeOffset now) => w with
    {
        Status = WebhookStatus.Processing,
        Attempts = w.Attempts + 1,
        LastAttemptAt = now,
        LockedUntil = now + Engine.Options.Webhooks.VisibilityTimeout,
        ClaimToken = Ids.NewToken(),
    };

    /// <summary>Any tenant's webhook (delivery methods serve the whole deployment), else NotFound.</summary>
    private static PendingWebhook FindWebhook(InMemoryTables tables, string webhookId) =>
        tables.Webhooks.GetValueOrDefault(webhookId) ?? throw new StorageNotFoundException("webhook", webhookId);

    /// <summary>This tenant's webhook, else NotFound.</summary>
    private PendingWebhook TenantWebhook(InMemoryTables tables, string webhookId) =>
        tables.Webhooks.GetValueOrDefault(webhookId) is { } w && w.TenantId == TenantId
            ? w
            : throw new StorageNotFoundException("webhook", webhookId);

    /// <summary>A processing webhook whose claim <paramref name="claimToken"/> (when given) still holds; else Conflict.</summary>
    private static PendingWebhook HeldWebhook(InMemoryTables tables, string webhookId, string? claimToken)
    {
        var webhook = FindWebhook(tables, webhookId);
        if (webhook.Status != WebhookStatus.Processing
            || (claimToken is not null && !string.Equals(webhook.ClaimToken, claimToken, StringComparison.Ordinal)))
            throw WebhookDelivery.NotHeld(webhookId, EnumText<WebhookStatus>.ToText(webhook.Status), "processing");
        return webhook;
    }
}
