namespace Cedros.Storage.FrontDoor.Drivers;

/// <summary>Fulfillments, database side (contract §5). Values arrive prepared (checked, normalised, tenant stamped).</summary>
internal interface IFulfillmentDriver
{
    /// <summary>In one atomic step, inserts the fulfillment when its order exists in the tenant and its id is free.</summary>
    Task<FulfillmentInsert> InsertFulfillmentAsync(Fulfillment fulfillment, CancellationToken cancellationToken);

    Task<Fulfillment?> SelectFulfillmentAsync(string fulfillmentId, CancellationToken cancellationToken);

    /// <summary>The order's fulfillments, newest first (created_at, then id, descending).</summary>
    Task<IReadOnlyList<Fulfillment>> SelectFulfillmentsAsync(string orderId, int limit, CancellationToken cancellationToken);

    /// <summary>In one statement, sets the status and updated_at and each non-null optional field (a null keeps the
    /// stored value); returns the row as written, or null when there is no such fulfillment.</summary>
    Task<Fulfillment?> UpdateFulfillmentStatusAsync(string fulfillmentId, FulfillmentStatus status, DateTimeOffset? shippedAt,
        DateTimeOffset? deliveredAt, DateTimeOffset updatedAt, string? trackingNumber, string? trackingUrl, string? carrier,
        CancellationToken cancellationToken);
}

/// <summary>The outcome of <see cref="IFulfillmentDriver.InsertFulfillmentAsync"/>.</summary>
internal enum FulfillmentInsert
{
    Inserted,
    OrderMissing,
    Duplicate,
}
