namespace Cedros.Storage;

/// <summary>The durable outgoing-webhook queue (contract §8).</summary>
public interface IWebhookQueue
{
    /// <summary>Enqueues; returns the id. An id that already exists returns that id and changes nothing.</summary>
    Task<string> EnqueueWebhookAsync(PendingWebhook webhook, CancellationToken cancellationToken = default);

    /// <summary>Claims up to <paramref name="limit"/> ready webhooks of every tenant (pending and due, or processing
    /// with a lapsed lease), oldest next_attempt_at first. No two concurrent dequeuers get the same webhook.</summary>
    Task<IReadOnlyList<PendingWebhook>> DequeueWebhooksAsync(int limit, CancellationToken cancellationToken = default);

    /// <summary>Claims a pending webhook, or renews the lease of a processing one. Missing → NotFound.</summary>
    Task<PendingWebhook> MarkWebhookProcessingAsync(string webhookId, CancellationToken cancellationToken = default);

    /// <summary>Marks a processing webhook delivered; otherwise Conflict.</summary>
    Task MarkWebhookSuccessAsync(string webhookId, CancellationToken cancellationToken = default);

    /// <summary>As <see cref="MarkWebhookSuccessAsync(string, CancellationToken)"/>, only if <paramref name="claimToken"/>
    /// still holds the claim; else Conflict.</summary>
    Task MarkWebhookSuccessAsync(string webhookId, string claimToken, CancellationToken cancellationToken = default);

    /// <summary>Records a failed attempt of a processing webhook: dead-letters it when attempts are exhausted, else
    /// back to pending at <paramref name="nextAttemptAt"/>. Not processing → Conflict.</summary>
    Task MarkWebhookFailedAsync(string webhookId, string errorMessage, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken = default);

    /// <summary>As <see cref="MarkWebhookFailedAsync(string, string, DateTimeOffset, CancellationToken)"/>, guarded by
    /// <paramref name="claimToken"/>.</summary>
    Task MarkWebhookFailedAsync(string webhookId, string errorMessage, DateTimeOffset nextAttemptAt, string claimToken,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Marks delivered, in one round trip, every webhook of <paramref name="claimed"/> (as a dequeue returned it, any
    /// tenant) whose claim is still held: same id and claim token, still processing. The others (lease lost) are
    /// reported and left unchanged. Each item needs its claim token; an id may appear once. Empty → empty result.
    /// </summary>
    Task<WebhookBatchResult> MarkWebhooksSuccessAsync(IReadOnlyList<PendingWebhook> claimed, CancellationToken cancellationToken = default);

    /// <summary>
    /// Records, in one round trip, a failed attempt of every webhook of <paramref name="failures"/> whose claim is still
    /// held (as <see cref="MarkWebhookFailedAsync(string, string, DateTimeOffset, string, CancellationToken)"/>: dead-lettered
    /// when its attempts are used up, else pending at its next attempt time). The others (lease lost) are reported and
    /// left unchanged.
    /// </summary>
    Task<WebhookBatchResult> MarkWebhooksFailedAsync(IReadOnlyList<WebhookFailure> failures, CancellationToken cancellationToken = default);

    /// <summary>This tenant's webhook, or null.</summary>
    Task<PendingWebhook?> GetWebhookAsync(string webhookId, CancellationToken cancellationToken = default);

    /// <summary>This tenant's webhooks, newest first, optionally by status.</summary>
    Task<IReadOnlyList<PendingWebhook>> ListWebhooksAsync(WebhookStatus? status, int limit, CancellationToken cancellationToken = default);

    /// <summary>Counts of this tenant's webhooks by status (every status present, zero when none).</summary>
    Task<IReadOnlyDictionary<WebhookStatus, long>> CountWebhooksByStatusAsync(CancellationToken cancellationToken = default);

    /// <summary>Requeues now with attempts reset. Processing → Conflict; missing → NotFound.</summary>
    Task RetryWebhookAsync(string webhookId, CancellationToken cancellationToken = default);

    /// <summary>Deletes; missing → NotFound.</summary>
    Task DeleteWebhookAsync(string webhookId, CancellationToken cancellationToken = default);

    /// <summary>Deletes success/failed webhooks completed before the cutoff, across tenants; returns the count.</summary>
    Task<long> CleanupCompletedWebhooksAsync(DateTimeOffset olderThan, CancellationToken cancellationToken = default);

    /// <summary>As the overload without progress; <paramref name="progress"/> receives the running total of rows after
    /// every batch (<c>storage.housekeeping_batch_size</c>) that changed some.</summary>
    Task<long> CleanupCompletedWebhooksAsync(DateTimeOffset olderThan, IProgress<long>? progress, CancellationToken cancellationToken = default);
}
