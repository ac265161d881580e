namespace Cedros.Storage.FrontDoor;

internal sealed partial class TenantStore
{
    public Task<string> EnqueueWebhookAsync(PendingWebhook webhook, CancellationToken cancellationToken = default) =>
        Call("EnqueueWebhook", "webhook_queue", ct => Driver.EnqueueWebhookAsync(webhook, ct), cancellationToken);

    public Task<IReadOnlyList<PendingWebhook>> DequeueWebhooksAsync(int limit, CancellationToken cancellationToken = default) =>
        Call("DequeueWebhooks", "webhook_queue", async ct =>
        {
            var claimed = await Driver.DequeueWebhooksAsync(limit, ct).ConfigureAwait(false);
            Refusals.Claims(claimed.Count);
            return claimed;
        }, cancellationToken);

    public Task<PendingWebhook> MarkWebhookProcessingAsync(string webhookId, CancellationToken cancellationToken = default) =>
        Call("MarkWebhookProcessing", "webhook_queue", async ct =>
        {
            var claimed = await Driver.MarkWebhookProcessingAsync(webhookId, ct).ConfigureAwait(false);
            Refusals.Claims(1);
            return claimed;
        }, cancellationToken);

    public Task MarkWebhookSuccessAsync(string webhookId, CancellationToken cancellationToken = default) =>
        Call("MarkWebhookSuccess", "webhook_queue", ct => Driver.MarkWebhookSuccessAsync(webhookId, ct), cancellationToken);

    public Task MarkWebhookSuccessAsync(string webhookId, string claimToken, CancellationToken cancellationToken = default) =>
        Call("MarkWebhookSuccess", "webhook_queue", ct => Driver.MarkWebhookSuccessAsync(webhookId, claimToken, ct), cancellationToken);

    public Task MarkWebhookFailedAsync(string webhookId, string errorMessage, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken = default) =>
        Call("MarkWebhookFailed", "webhook_queue", ct => Driver.MarkWebhookFailedAsync(webhookId, errorMessage, nextAttemptAt, ct), cancellationToken);

    public Task MarkWebhookFailedAsync(string webhookId, string errorMessage, DateTimeOffset nextAttemptAt, string claimToken, CancellationToken cancellationToken = default) =>
        Call("MarkWebhookFailed", "webhook_queue", ct => Driver.MarkWebhookFailedAsync(webhookId, errorMessage, nextAttemptAt, claimToken, ct), cancellationToken);

    public Task<PendingWebhook?> GetWebhookAsync(string webhookId, CancellationToken cancellationToken = default) =>
        Call("GetWebhook", "webhook_queue", ct => Driver.GetWebhookAsync(webhookId, ct), cancellationToken);

    public Task<IReadOnlyList<PendingWebhook>> ListWebhooksAsync(WebhookStatus? status, int limit, CancellationToken cancellationToken = default) =>
        Call("ListWebhooks", "webhook_queue", ct => Driver.ListWebhooksAsync(status, limit, ct), cancellationToken);

    public Task<IReadOnlyDictionary<WebhookStatus, long>> CountWebhooksByStatusAsync(CancellationToken cancellationToken = default) =>
        Call("CountWebhooksByStatus", "webhook_queue", ct => Driver.CountWebhooksByStatusAsync(ct), cancellationToken);

    public Task RetryWebhookAsync(string webhookId, CancellationToken cancellationToken = default) =>
        Call("RetryWebhook", "webhook_queue", ct => Driver.RetryWebhookAsync(webhookId, ct), cancellationToken);

    public Task DeleteWebhookAsync(string webhookId, CancellationToken cancellationToken = default) =>
        Call("DeleteWebhook", "webhook_queue", ct => Driver.DeleteWebhookAsync(webhookId, ct), cancellationToken);

    public Task<long> CleanupCompletedWebhooksAsync(DateTimeOffset olderThan, CancellationToken cancellationToken = default) =>
        Call("CleanupCompletedWebhooks", "webhook_queue", ct => Driver.CleanupCompletedWebhooksAsync(olderThan, ct), cancellationToken);
}
