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
}
