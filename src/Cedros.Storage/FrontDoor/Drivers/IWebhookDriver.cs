namespace Cedros.Storage.FrontDoor.Drivers;

/// <summary>
/// The webhook queue, database side (contract §8). Values arrive prepared (checked, normalised, tenant stamped); the
/// delivery operations (claim, complete, fail) act on any tenant's webhook, the admin ones on this tenant's only.
/// </summary>
internal interface IWebhookDriver
{
    /// <summary>Inserts the webhook unless its id is taken; when it is, says whether by this tenant (the same event
    /// again) or by another one.</summary>
    Task<WebhookInsert> InsertWebhookAsync(PendingWebhook webhook, CancellationToken cancellationToken);

    /// <summary>
    /// In one atomic step, claims up to <paramref name="limit"/> (at least 1) webhooks of any tenant that are pending
    /// and due at <paramref name="now"/>, or processing with a lease ended at <paramref name="now"/>, in
    /// (next_attempt_at, id) order: status processing, attempts + 1, last_attempt_at = now, locked_until =
    /// <paramref name="leaseUntil"/>, a fresh claim token. Concurrent claimers never claim the same row. Returns the
    /// claimed rows in any order (the front door sorts them), each with whether it was taken over from a lapsed lease
    /// (it was processing).
    /// </summary>
    Task<IReadOnlyList<ClaimedWebhook>> ClaimDueWebhooksAsync(int limit, DateTimeOffset now, DateTimeOffset leaseUntil,
        CancellationToken cancellationToken);

    /// <summary>
    /// In one atomic step, claims a pending webhook (as <see cref="ClaimDueWebhooksAsync"/>, whatever its next attempt)
    /// or extends a processing one's lease to <paramref name="leaseUntil"/> (keeping its claim). When nothing changed,
    /// reports the status as it was (null: no such webhook).
    /// </summary>
    Task<WebhookChange> ClaimWebhookAsync(string webhookId, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken);

    /// <summary>Marks a processing webhook (whose claim token is <paramref name="claimToken"/> when given) delivered at
    /// <paramref name="now"/>, releasing its claim. When nothing changed, reports the status as it was.</summary>
    Task<WebhookChange> CompleteWebhookAsync(string webhookId, string? claimToken, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Records a failed attempt of a processing webhook (whose claim token is <paramref name="claimToken"/> when
    /// given) in one conditional step: dead-lettered (failed, completed at <paramref name="now"/>) when its attempts reach
    /// its maximum, else pending again at <paramref name="nextAttemptAt"/>. When nothing changed, reports the status.</summary>
    Task<WebhookChange> FailWebhookAsync(string webhookId, string? claimToken, string error, DateTimeOffset nextAttemptAt, DateTimeOffset now,
        CancellationToken cancellationToken);

    /// <summary>In one atomic step (one statement where the database allows), marks delivered at <paramref name="now"/>
    /// every webhook of <paramref name="claims"/> (distinct ids, any tenant) that is processing under that claim token,
    /// releasing the claim. Returns the ids changed.</summary>
    Task<IReadOnlyList<string>> CompleteWebhooksAsync(IReadOnlyList<HeldClaim> claims, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>In one atomic step, records a failed attempt (as <see cref="FailWebhookAsync"/>) of every webhook of
    /// <paramref name="failures"/> (distinct ids, any tenant) that is processing under that claim token. Returns the ids
    /// changed.</summary>
    Task<IReadOnlyList<string>> FailWebhooksAsync(IReadOnlyList<FailedClaim> failures, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>This tenant's webhook, or null.</summary>
    Task<PendingWebhook?> SelectWebhookAsync(string webhookId, CancellationToken cancellationToken);

    /// <summary>Up to <paramref name="limit"/> of this tenant's webhooks (with <paramref name="status"/> when given),
    /// newest first (created_at, then id, descending).</summary>
    Task<IReadOnlyList<PendingWebhook>> SelectWebhooksAsync(WebhookStatus? status, int limit, CancellationToken cancellationToken);

    /// <summary>This tenant's webhooks counted by status (every status present, zero when none).</summary>
    Task<IReadOnlyDictionary<WebhookStatus, long>> CountWebhooksAsync(CancellationToken cancellationToken);

    /// <summary>Resets this tenant's webhook, unless it is processing, to pending now with no attempts, error or claim.
    /// When nothing changed, reports the status as it was (null: no such webhook of this tenant).</summary>
    Task<WebhookChange> ResetWebhookAsync(string webhookId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Deletes this tenant's webhook; false when there was none.</summary>
    Task<bool> DeleteWebhookRowAsync(string webhookId, CancellationToken cancellationToken);

    /// <summary>Deletes up to <paramref name="batchSize"/> delivered or dead-lettered webhooks (any tenant) completed
    /// before <paramref name="cutoff"/>, in one atomic step; returns how many.</summary>
    Task<int> DeleteCompletedWebhooksAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken);

    /// <summary>The whole queue (every tenant): webhooks by status, and the oldest pending webhook's times.</summary>
    Task<WebhookQueueStats> ReadWebhookQueueStatsAsync(CancellationToken cancellationToken);
}

/// <summary>The outcome of <see cref="IWebhookDriver.InsertWebhookAsync"/>.</summary>
internal enum WebhookInsert
{
    /// <summary>The row was inserted.</summary>
    Inserted,
    /// <summary>This tenant already has a webhook with the id (or it vanished meanwhile).</summary>
    Exists,
    /// <summary>Another tenant's webhook has the id.</summary>
    OtherTenant,
}

/// <summary>A webhook claimed by <see cref="IWebhookDriver.ClaimDueWebhooksAsync"/>, and whether its claim took over a
/// lapsed lease (it was processing before the claim).</summary>
internal readonly record struct ClaimedWebhook(PendingWebhook Webhook, bool TakenOver);

/// <summary>A claim to release: the webhook id and the claim token it must still hold.</summary>
internal readonly record struct HeldClaim(string Id, string ClaimToken);

/// <summary>A claim to release as failed: its id and token, the sanitized error and the next attempt (microseconds).</summary>
internal readonly record struct FailedClaim(string Id, string ClaimToken, string Error, DateTimeOffset NextAttemptAt);

/// <summary>The outcome of a conditional change of one webhook: changed (with the row after it, when the operation
/// returns it), or the stored status as it was (<see cref="StatusWas"/> null: no such webhook).</summary>
internal readonly record struct WebhookChange(bool Changed, PendingWebhook? Row, string? StatusWas)
{
    public static WebhookChange Done(PendingWebhook? row = null) => new(true, row, null);
    public static WebhookChange Unchanged(string? statusWas) => new(false, null, statusWas);
}

/// <summary>The queue across every tenant: the number of webhooks in each status, and the creation and next-attempt
/// times of the oldest pending webhooks (null when none is pending).</summary>
internal sealed record WebhookQueueStats(IReadOnlyDictionary<WebhookStatus, long> Depth, DateTimeOffset? OldestPendingCreatedAt,
    DateTimeOffset? EarliestPendingAttemptAt);
