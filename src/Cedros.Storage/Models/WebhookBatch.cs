namespace Cedros.Storage;

/// <summary>One failed delivery to acknowledge with <see cref="IWebhookQueue.MarkWebhooksFailedAsync"/>.</summary>
/// <param name="Claimed">The webhook as a dequeue (or <see cref="IWebhookQueue.MarkWebhookProcessingAsync"/>) returned
/// it: its id and claim token identify the claim.</param>
/// <param name="ErrorMessage">Why the delivery failed (stored as last_error).</param>
/// <param name="NextAttemptAt">When to try again, unless its attempts are used up (then it is dead-lettered).</param>
public sealed record WebhookFailure(PendingWebhook Claimed, string ErrorMessage, DateTimeOffset NextAttemptAt);

/// <summary>Outcome of a batch acknowledgement (<see cref="IWebhookQueue.MarkWebhooksSuccessAsync"/>,
/// <see cref="IWebhookQueue.MarkWebhooksFailedAsync"/>).</summary>
/// <param name="Acknowledged">Ids of the webhooks whose claim was still held and that were marked, in input order.</param>
/// <param name="LeaseLost">The webhooks (as given) whose claim was no longer held — the lease ran out and another worker
/// claimed it, or it was completed, retried or deleted meanwhile; nothing was changed for them.</param>
public sealed record WebhookBatchResult(IReadOnlyList<string> Acknowledged, IReadOnlyList<PendingWebhook> LeaseLost)
{
    /// <summary>The result of an empty batch.</summary>
    public static WebhookBatchResult Empty { get; } = new([], []);
}
