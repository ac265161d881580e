using Cedros.Storage.Internal;
using Cedros.Storage.Validation;
using Cedros.Storage.Webhooks;

namespace Cedros.Storage.FrontDoor;

internal sealed partial class TenantStore
{
    public Task<string> EnqueueWebhookAsync(PendingWebhook webhook, CancellationToken cancellationToken = default) =>
        Call("EnqueueWebhook", "webhook_queue", async ct =>
        {
            var prepared = Prepare.Webhook(TenantId, webhook, Now, _door.Time);
            // The id is the event id: a repeat in the same tenant is the same event. The same id in another tenant is a
            // collision that must neither overwrite nor reveal the other tenant's row.
            return await Driver.InsertWebhookAsync(prepared, ct).ConfigureAwait(false) == Drivers.WebhookInsert.OtherTenant
                ? throw Conflicts.WebhookIdInUse(prepared.Id)
                : prepared.Id;
        }, cancellationToken);

    public Task<IReadOnlyList<PendingWebhook>> DequeueWebhooksAsync(int limit, CancellationToken cancellationToken = default) =>
        Call<IReadOnlyList<PendingWebhook>>("DequeueWebhooks", "webhook_queue", async ct =>
        {
            Check.Page(limit);
            if (limit == 0) return [];
            var now = Now;
            var claimed = await Driver.ClaimDueWebhooksAsync(limit, now, LeaseEnd(now), ct).ConfigureAwait(false);
            var webhooks = new PendingWebhook[claimed.Count];
            var takenOver = 0;
            for (var i = 0; i < webhooks.Length; i++)
            {
                webhooks[i] = claimed[i].Webhook;
                if (claimed[i].TakenOver) takenOver++;
            }
            if (webhooks.Length > 1) Array.Sort(webhooks, ClaimOrder);
            Refusals.Claims(webhooks.Length);
            Refusals.Takeovers(takenOver);
            return webhooks;
        }, cancellationToken);

    /// <summary>The order a claim returns its webhooks in: due time, then id as the databases order text (UTF-8 bytes),
    /// the same on every backend whatever order its statement returned them in.</summary>
    private static readonly Comparison<PendingWebhook> ClaimOrder = (a, b) =>
        Nullable.Compare(a.NextAttemptAt, b.NextAttemptAt) is var byTime and not 0 ? byTime : Utf8Order.Instance.Compare(a.Id, b.Id);

    public Task<PendingWebhook> MarkWebhookProcessingAsync(string webhookId, CancellationToken cancellationToken = default) =>
        Call("MarkWebhookProcessing", "webhook_queue", async ct =>
        {
            Check.Id(webhookId, "webhook id");
            var now = Now;
            var change = await Driver.ClaimWebhookAsync(webhookId, now, LeaseEnd(now), ct).ConfigureAwait(false);
            if (!change.Changed) throw WebhookNotHeld(webhookId, change, "pending or processing");
            // A processing webhook keeps its claim (only the lease is extended): counted as a claim, not a takeover.
            Refusals.Claims(1);
            return change.Row!;
        }, cancellationToken);

    public Task MarkWebhookSuccessAsync(string webhookId, CancellationToken cancellationToken = default) =>
        Call("MarkWebhookSuccess", "webhook_queue", ct => CompleteWebhookCoreAsync(webhookId, null, ct), cancellationToken);

    public Task MarkWebhookSuccessAsync(string webhookId, string claimToken, CancellationToken cancellationToken = default) =>
        Call("MarkWebhookSuccess", "webhook_queue",
            ct => CompleteWebhookCoreAsync(webhookId, Check.Id(claimToken, "claim token"), ct), cancellationToken);

    private async Task CompleteWebhookCoreAsync(string webhookId, string? claimToken, CancellationToken cancellationToken)
    {
        Check.Id(webhookId, "webhook id");
        var change = await Driver.CompleteWebhookAsync(webhookId, claimToken, Now, cancellationToken).ConfigureAwait(false);
        if (!change.Changed) throw ReleaseRefused(webhookId, claimToken, change);
    }

    public Task MarkWebhookFailedAsync(string webhookId, string errorMessage, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken = default) =>
        Call("MarkWebhookFailed", "webhook_queue", ct => FailWebhookCoreAsync(webhookId, errorMessage, nextAttemptAt, null, ct), cancellationToken);

    public Task MarkWebhookFailedAsync(string webhookId, string errorMessage, DateTimeOffset nextAttemptAt, string claimToken, CancellationToken cancellationToken = default) =>
        Call("MarkWebhookFailed", "webhook_queue",
            ct => FailWebhookCoreAsync(webhookId, errorMessage, nextAttemptAt, Check.Id(claimToken, "claim token"), ct), cancellationToken);

    private async Task FailWebhookCoreAsync(string webhookId, string? errorMessage, DateTimeOffset nextAttemptAt, string? claimToken,
        CancellationToken cancellationToken)
    {
        Check.Id(webhookId, "webhook id");
        var error = WebhookDelivery.ErrorText(errorMessage);
        var change = await Driver.FailWebhookAsync(webhookId, claimToken, error, StorageTime.Micro(nextAttemptAt), Now, cancellationToken)
            .ConfigureAwait(false);
        if (!change.Changed) throw ReleaseRefused(webhookId, claimToken, change);
    }

    public Task<WebhookBatchResult> MarkWebhooksSuccessAsync(IReadOnlyList<PendingWebhook> claimed, CancellationToken cancellationToken = default) =>
        Call("MarkWebhooksSuccess", "webhook_queue", async ct =>
        {
            Check.Batch(claimed, "claimed");
            if (claimed.Count == 0) return WebhookBatchResult.Empty;
            var claims = new Drivers.HeldClaim[claimed.Count];
            for (var i = 0; i < claimed.Count; i++)
                claims[i] = new(Check.Id(claimed[i].Id, "webhook id", i), Check.Id(claimed[i].ClaimToken, "claim token", i));
            Check.Distinct(claimed, w => w.Id, "webhook id");
            var done = await Driver.CompleteWebhooksAsync(claims, Now, ct).ConfigureAwait(false);
            return BatchResult(claimed, done);
        }, cancellationToken);

    public Task<WebhookBatchResult> MarkWebhooksFailedAsync(IReadOnlyList<WebhookFailure> failures, CancellationToken cancellationToken = default) =>
        Call("MarkWebhooksFailed", "webhook_queue", async ct =>
        {
            Check.Batch(failures, "failures");
            if (failures.Count == 0) return WebhookBatchResult.Empty;
            var claims = new Drivers.FailedClaim[failures.Count];
            var webhooks = new PendingWebhook[failures.Count];
            for (var i = 0; i < failures.Count; i++)
            {
                var w = failures[i].Claimed
                    ?? throw new StorageValidationException("failures contains an item without its claimed webhook.", "claimed", i);
                webhooks[i] = w;
                claims[i] = new(Check.Id(w.Id, "webhook id", i), Check.Id(w.ClaimToken, "claim token", i),
                    WebhookDelivery.ErrorText(failures[i].ErrorMessage), StorageTime.Micro(failures[i].NextAttemptAt));
            }
            Check.Distinct(webhooks, w => w.Id, "webhook id");
            var done = await Driver.FailWebhooksAsync(claims, Now, ct).ConfigureAwait(false);
            return BatchResult(webhooks, done);
        }, cancellationToken);

    /// <summary>Splits a batch into the ids the driver changed (input order) and the webhooks whose lease was lost; the
    /// latter are counted as takeovers, like a single mark refused for its claim token.</summary>
    private WebhookBatchResult BatchResult(IReadOnlyList<PendingWebhook> batch, IReadOnlyList<string> changed)
    {
        var done = new HashSet<string>(changed, StringComparer.Ordinal);
        var acknowledged = new List<string>(done.Count);
        List<PendingWebhook>? lost = null;
        foreach (var w in batch)
        {
            if (done.Contains(w.Id)) acknowledged.Add(w.Id);
            else (lost ??= []).Add(w);
        }
        Refusals.Takeovers(lost?.Count ?? 0);
        return new WebhookBatchResult(acknowledged, lost is null ? [] : lost);
    }

    public Task<PendingWebhook?> GetWebhookAsync(string webhookId, CancellationToken cancellationToken = default) =>
        Call("GetWebhook", "webhook_queue", ct =>
        {
            Check.Id(webhookId, "webhook id");
            return Driver.SelectWebhookAsync(webhookId, ct);
        }, cancellationToken);

    public Task<IReadOnlyList<PendingWebhook>> ListWebhooksAsync(WebhookStatus? status, int limit, CancellationToken cancellationToken = default) =>
        Call("ListWebhooks", "webhook_queue", ct =>
        {
            Check.Page(limit);
            if (status is { } s) Check.Defined(s, "status");
            return Driver.SelectWebhooksAsync(status, limit, ct);
        }, cancellationToken);

    public Task<IReadOnlyDictionary<WebhookStatus, long>> CountWebhooksByStatusAsync(CancellationToken cancellationToken = default) =>
        Call("CountWebhooksByStatus", "webhook_queue", ct => Driver.CountWebhooksAsync(ct), cancellationToken);

    public Task RetryWebhookAsync(string webhookId, CancellationToken cancellationToken = default) =>
        Call("RetryWebhook", "webhook_queue", async ct =>
        {
            Check.Id(webhookId, "webhook id");
            var change = await Driver.ResetWebhookAsync(webhookId, Now, ct).ConfigureAwait(false);
            if (change.Changed) return;
            if (change.StatusWas is null) throw new StorageNotFoundException("webhook", webhookId);
            throw Conflicts.WebhookBeingDelivered(webhookId);
        }, cancellationToken);

    public Task DeleteWebhookAsync(string webhookId, CancellationToken cancellationToken = default) =>
        Call("DeleteWebhook", "webhook_queue", async ct =>
        {
            Check.Id(webhookId, "webhook id");
            if (!await Driver.DeleteWebhookRowAsync(webhookId, ct).ConfigureAwait(false))
                throw new StorageNotFoundException("webhook", webhookId);
        }, cancellationToken);

    public Task<long> CleanupCompletedWebhooksAsync(DateTimeOffset olderThan, CancellationToken cancellationToken = default) =>
        CleanupCompletedWebhooksAsync(olderThan, null, cancellationToken);

    public Task<long> CleanupCompletedWebhooksAsync(DateTimeOffset olderThan, IProgress<long>? progress, CancellationToken cancellationToken = default) =>
        Call("CleanupCompletedWebhooks", "webhook_queue", ct =>
        {
            var cutoff = StorageTime.Micro(olderThan);
            return InBatchesAsync((size, innerCt) => Driver.DeleteCompletedWebhooksAsync(cutoff, size, innerCt), ct, progress);
        }, cancellationToken);

    /// <summary>The end of a claim's lease taken at <paramref name="now"/>.</summary>
    private DateTimeOffset LeaseEnd(DateTimeOffset now) => StorageTime.Micro(now + _door.Options.Webhooks.VisibilityTimeout);

    /// <summary>NotFound when there was no webhook, else the Conflict of its status.</summary>
    private static StorageException WebhookNotHeld(string webhookId, Drivers.WebhookChange change, string expected) =>
        change.StatusWas is { } status
            ? WebhookDelivery.NotHeld(webhookId, status, expected)
            : new StorageNotFoundException("webhook", webhookId);

    /// <summary>The error of a success/failure mark that changed nothing. With a claim token, a Conflict means the
    /// caller's lease was lost (another worker took the webhook over, or it was completed meanwhile): a takeover.</summary>
    private StorageException ReleaseRefused(string webhookId, string? claimToken, Drivers.WebhookChange change)
    {
        var error = WebhookNotHeld(webhookId, change, "processing");
        if (claimToken is not null && error is StorageConflictException) Refusals.Takeovers(1);
        return error;
    }
}
