using Cedros.Storage.Validation;

namespace Cedros.Storage.Webhooks;

/// <summary>
/// The database-independent decisions of webhook delivery that every backend shares: how a failure's error text is
/// stored, and which error a claim/complete call raises when the webhook is not (or no longer) held.
/// </summary>
internal static class WebhookDelivery
{
    /// <summary>
    /// An error message is sanitized rather than rejected: refusing it would leave the webhook stuck in processing until
    /// its lease ran out. It is cut to the text limit, then every NUL and lone UTF-16 surrogate (including half a pair
    /// split by the cut) becomes U+FFFD, so it is well-formed text every backend stores alike. Null is stored as "".
    /// </summary>
    public static string ErrorText(string? errorMessage)
    {
        if (errorMessage is null) return "";
        var text = errorMessage.Length <= Limits.MaxTextLength ? errorMessage : errorMessage[..Limits.MaxTextLength];
        if (Check.FirstIllFormed(text) < 0) return text;
        var chars = text.ToCharArray();
        int at;
        var from = 0;
        while ((at = Check.FirstIllFormed(chars.AsSpan(from))) >= 0)
        {
            chars[from + at] = '\uFFFD';
            from += at + 1;
        }
        return new string(chars);
    }

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
