namespace Cedros.Storage.Observability;

/// <summary>Tag values of the housekeeping metrics and logs.</summary>
internal static class HousekeepingKinds
{
    /// <summary>Payments moved to the archive table (or deleted when archival deletes).</summary>
    public const string ArchivedPayments = "archived_payments";
    /// <summary>Expired admin nonces deleted.</summary>
    public const string ExpiredNonces = "expired_nonces";
    /// <summary>Expired idempotency keys deleted.</summary>
    public const string ExpiredIdempotencyKeys = "expired_idempotency_keys";
    /// <summary>Expired inventory reservations released.</summary>
    public const string ExpiredInventoryReservations = "expired_inventory_reservations";
    /// <summary>Completed (success/failed) webhooks deleted.</summary>
    public const string CompletedWebhooks = "completed_webhooks";
    /// <summary>The archival pass.</summary>
    public const string ArchivalPass = "archival";
    /// <summary>The cleanup pass.</summary>
    public const string CleanupPass = "cleanup";
}
