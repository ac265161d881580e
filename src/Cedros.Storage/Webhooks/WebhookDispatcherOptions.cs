namespace Cedros.Storage.Webhooks;

/// <summary>Settings of the webhook dispatcher (<c>services.AddCedrosWebhookDispatcher(...)</c>).</summary>
public sealed class WebhookDispatcherOptions
{
    /// <summary>Most webhooks claimed by one dequeue, and acknowledged by one batch acknowledgement (default 50).</summary>
    public int BatchSize { get; set; } = 50;

    /// <summary>Most deliveries in flight at once (default 16). A slow or failing endpoint holds one slot only.</summary>
    public int MaxConcurrency { get; set; } = 16;

    /// <summary>How long to wait before claiming again when the queue had nothing ready (default 1 s).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Time allowed for one POST, response included (default 30 s); then the attempt fails with a timeout.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a delivery still in flight renews its lease (<c>MarkWebhookProcessingAsync</c>). Null (default):
    /// half of <c>storage.webhooks.visibility_timeout</c>.</summary>
    public TimeSpan? LeaseRenewalInterval { get; set; }

    /// <summary>The signing secret of a webhook's endpoint (e.g. looked up by <see cref="PendingWebhook.Url"/> or
    /// <see cref="PendingWebhook.TenantId"/>); <c>whsec_&lt;base64&gt;</c> or any string. Null, or a null result: the
    /// webhook is sent without a <c>webhook-signature</c> header.</summary>
    public Func<PendingWebhook, string?>? SigningSecret { get; set; }

    /// <summary>Delay after a failed attempt number n (1-based; the last step repeats) when the receiver sent no
    /// <c>Retry-After</c>. Default <see cref="WebhookRetry.DefaultSchedule"/>.</summary>
    public IReadOnlyList<TimeSpan> RetrySchedule { get; set; } = WebhookRetry.DefaultSchedule;
}
