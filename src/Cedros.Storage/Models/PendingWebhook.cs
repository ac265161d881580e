namespace Cedros.Storage;

/// <summary>
/// States of an outgoing webhook.
/// </summary>
public enum WebhookStatus
{
    /// <summary>Waiting for <c>NextAttemptAt</c>. Enters on enqueue, on a failed attempt with attempts left, and on
    /// a manual retry; leaves when a worker claims it.</summary>
    Pending,
    /// <summary>Claimed by a worker until <c>LockedUntil</c>. Leaves by success, failure, or lease expiry (another
    /// worker may then claim it again).</summary>
    Processing,
    /// <summary>Delivered; terminal until cleanup deletes it.</summary>
    Success,
    /// <summary>Dead letter: attempts exhausted. Only a manual retry moves it back to pending.</summary>
    Failed,
}

/// <summary>An outgoing webhook in the durable queue.</summary>
public sealed record PendingWebhook
{
    /// <summary>Event id; generated (UUIDv7) when empty. Global key of the queue.</summary>
    public string Id { get; init; } = "";
    /// <summary>Owner tenant.</summary>
    public string TenantId { get; init; } = TenantIds.Default;
    /// <summary>Receiver URL.</summary>
    public required string Url { get; init; }
    /// <summary>JSON body, kept byte-exact (receivers verify an HMAC over it).</summary>
    public required string Payload { get; init; }
    /// <summary>HTTP headers to send.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = EmptyMetadata.Instance;
    /// <summary>Event type.</summary>
    public string EventType { get; init; } = "";
    /// <summary>State.</summary>
    public WebhookStatus Status { get; init; } = WebhookStatus.Pending;
    /// <summary>Delivery attempts claimed so far.</summary>
    public int Attempts { get; init; }
    /// <summary>Attempts allowed before dead-lettering (default 5).</summary>
    public int MaxAttempts { get; init; } = 5;
    /// <summary>Last delivery error.</summary>
    public string? LastError { get; init; }
    /// <summary>Last claim time.</summary>
    public DateTimeOffset? LastAttemptAt { get; init; }
    /// <summary>Not delivered before this time (default: now).</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }
    /// <summary>Creation time (default: now).</summary>
    public DateTimeOffset? CreatedAt { get; init; }
    /// <summary>When it reached success or failed.</summary>
    public DateTimeOffset? CompletedAt { get; init; }
    /// <summary>End of the current worker's lease while processing.</summary>
    public DateTimeOffset? LockedUntil { get; init; }
    /// <summary>Token of the current claim while processing.</summary>
    public string? ClaimToken { get; init; }
}
