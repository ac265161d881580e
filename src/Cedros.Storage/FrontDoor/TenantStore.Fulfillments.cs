namespace Cedros.Storage.FrontDoor;

internal sealed partial class TenantStore
{
    public Task CreateFulfillmentAsync(Fulfillment fulfillment, CancellationToken cancellationToken = default) =>
        Call("CreateFulfillment", "fulfillments", ct => Driver.CreateFulfillmentAsync(fulfillment, ct), cancellationToken);

    public Task<Fulfillment?> GetFulfillmentAsync(string fulfillmentId, CancellationToken cancellationToken = default) =>
        Call("GetFulfillment", "fulfillments", ct => Driver.GetFulfillmentAsync(fulfillmentId, ct), cancellationToken);

    public Task<IReadOnlyList<Fulfillment>> ListFulfillmentsAsync(string orderId, int limit, CancellationToken cancellationToken = default) =>
        Call("ListFulfillments", "fulfillments", ct => Driver.ListFulfillmentsAsync(orderId, limit, ct), cancellationToken);

    public Task<Fulfillment?> UpdateFulfillmentStatusAsync(string fulfillmentId, FulfillmentStatus status, DateTimeOffset? shippedAt, DateTimeOffset? deliveredAt, DateTimeOffset updatedAt, string? trackingNumber = null, string? trackingUrl = null, string? carrier = null, CancellationToken cancellationToken = default) =>
        Call("UpdateFulfillmentStatus", "fulfillments", ct => Driver.UpdateFulfillmentStatusAsync(fulfillmentId, status, shippedAt, deliveredAt, updatedAt, trackingNumber, trackingUrl, carrier, ct), cancellationToken);
}
