namespace Cedros.Storage.Webhooks;

/// <summary>
/// The database-independent decisions of webhook delivery that every backend shares: how a failure's error text is
/// stored, and which error a claim/complete call raises when the webhook is not (or no longer) held.
/// </summary>
internal static class WebhookDelivery
{
    /// <summary>An error message is stored truncated to the text limit rather than rejected: refusing it would leave
    /// the webhook stuck in processing until its lease ran out. Null is stored as "".</summary>
    public static string ErrorText(string? errorMessage) =>
        errorMessage is null ? "" : errorMessage.Length <= Limits.MaxTextLength ? errorMessage : errorMessage[..Limits.MaxTextLength];

    /// <summary>
    /// The Conflict raised when a webhook in stored status <paramref name="status"/> could not be moved because the
    /// call needed it <paramref name="expected"/> (e.g. "processing", "pending or processing"). A webhook that is
    /// processing when processing was expected is held by another claim.
    /// </summary>
    public static StorageConflictException NotHeld(string webhookId, string status, string expected) =>
        status == "processing" && expected == "processing"
            ? new StorageConflictException($"webhook '{webhookId}' is no longer held by this claim.")
            : new StorageConflictException($"webhook '{webhookId}' is {status}, not {expected}.");
}
