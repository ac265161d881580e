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
