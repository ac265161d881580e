namespace Cedros.Storage.InMemory;

internal sealed partial class InMemoryStore
{
    public Task<string> EnqueueWebhookAsync(PendingWebhook webhook, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<IReadOnlyList<PendingWebhook>> DequeueWebhooksAsync(int limit, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<PendingWebhook> MarkWebhookProcessingAsync(string webhookId, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task MarkWebhookSuccessAsync(string webhookId, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task MarkWebhookSuccessAsync(string webhookId, string claimToken, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task MarkWebhookFailedAsync(string webhookId, string errorMessage, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task MarkWebhookFailedAsync(string webhookId, string errorMessage, DateTimeOffset nextAttemptAt, string claimToken, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<PendingWebhook?> GetWebhookAsync(string webhookId, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<IReadOnlyList<PendingWebhook>> ListWebhooksAsync(WebhookStatus? status, int limit, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<IReadOnlyDictionary<WebhookStatus, long>> CountWebhooksByStatusAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task RetryWebhookAsync(string webhookId, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task DeleteWebhookAsync(string webhookId, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<long> CleanupCompletedWebhooksAsync(DateTimeOffset olderThan, CancellationToken cancellationToken) => throw new NotImplementedException();
}
