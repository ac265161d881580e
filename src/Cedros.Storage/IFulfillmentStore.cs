namespace Cedros.Storage;

/// <summary>Fulfillments (contract §4).</summary>
public interface IFulfillmentStore
{
    /// <summary>Creates a fulfillment. The order must exist in the tenant (else NotFound); duplicate id → Conflict.</summary>
    Task CreateFulfillmentAsync(Fulfillment fulfillment, CancellationToken cancellationToken = default);

    /// <summary>The fulfillment, or null.</summary>
    Task<Fulfillment?> GetFulfillmentAsync(string fulfillmentId, CancellationToken cancellationToken = default);

    /// <summary>An order's fulfillments, newest first.</summary>
    Task<IReadOnlyList<Fulfillment>> ListFulfillmentsAsync(string orderId, int limit, CancellationToken cancellationToken = default);

    /// <summary>Updates status and tracking; null optional arguments keep the stored value. Returns the updated
    /// fulfillment, or null when missing.</summary>
    Task<Fulfillment?> UpdateFulfillmentStatusAsync(string fulfillmentId, FulfillmentStatus status, DateTimeOffset? shippedAt,
        DateTimeOffset? deliveredAt, DateTimeOffset updatedAt, string? trackingNumber = null, string? trackingUrl = null,
        string? carrier = null, CancellationToken cancellationToken = default);
}
