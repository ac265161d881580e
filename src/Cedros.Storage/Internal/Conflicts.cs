namespace Cedros.Storage.Internal;

/// <summary>The one wording of the Conflict errors every backend raises for a key that is already taken.</summary>
internal static class Conflicts
{
    /// <summary>"<paramref name="entity"/> 'id' already exists.", prefixed with "item N: " for an item of a batch.</summary>
    public static StorageConflictException AlreadyExists(string entity, string id, int? item = null) =>
        new($"{(item is { } i ? $"item {i}: " : "")}{entity} '{id}' already exists.");

    /// <summary>A Stripe subscription id held by another subscription of the tenant.</summary>
    public static StorageConflictException StripeSubscriptionTaken(string? stripeSubscriptionId) =>
        new($"stripe subscription '{stripeSubscriptionId}' already belongs to another subscription.");

    /// <summary>A batch of payments refused by the PostgreSQL archive guard for a signature the configured archive
    /// table does not hold (instances configured with different archive tables).</summary>
    public static StorageConflictException PaymentArchivedElsewhere() =>
        new("a payment of the batch is already in the archive table the ledger's guard checks, which is not the one configured here " +
            "(storage.archival.archive_table differs between instances?); nothing was written.");

    /// <summary>Saving over a completed Stripe session.</summary>
    public static StorageConflictException StripeSessionCompleted(string sessionId) =>
        new($"stripe session '{sessionId}' is completed and can no longer change.");

    /// <summary>Completing an expired Stripe session.</summary>
    public static StorageConflictException StripeSessionExpired(string sessionId) =>
        new($"stripe session '{sessionId}' has expired and cannot complete.");

    /// <summary>Saving over a paid cart quote, prefixed with "item N: " for an item of a batch.</summary>
    public static StorageConflictException CartQuotePaid(string cartId, int? item = null) =>
        new($"{(item is { } i ? $"item {i}: " : "")}cart quote '{cartId}' is paid and can no longer change.");

    /// <summary>Marking a cart paid by a wallet when another wallet already paid it.</summary>
    public static StorageConflictException CartPaidByAnotherWallet(string cartId) =>
        new($"cart quote '{cartId}' was already paid by another wallet.");

    /// <summary>A webhook id (the event id) already used by another tenant's webhook.</summary>
    public static StorageConflictException WebhookIdInUse(string webhookId) =>
        new($"webhook id '{webhookId}' is already in use.");

    /// <summary>A retry of a webhook that is being delivered.</summary>
    public static StorageConflictException WebhookBeingDelivered(string webhookId) =>
        new($"webhook '{webhookId}' is being delivered; retrying it would deliver it twice.");

    /// <summary>A compare-and-set renewal of a subscription whose period end moved meanwhile.</summary>
    public static StorageConflictException SubscriptionRenewedElsewhere(string id) =>
        new($"subscription '{id}' was renewed by someone else (its period no longer ends at the expected time).");
}
