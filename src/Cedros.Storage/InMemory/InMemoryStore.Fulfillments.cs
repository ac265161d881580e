using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Internal;

namespace Cedros.Storage.InMemory;

internal sealed partial class InMemoryStore : IFulfillmentDriver
{
    public Task<FulfillmentInsert> InsertFulfillmentAsync(Fulfillment fulfillment, CancellationToken cancellationToken) =>
        RunAsync(t => !t.Orders.ContainsKey(Key(fulfillment.OrderId)) ? FulfillmentInsert.OrderMissing
            : Table.TryAdd(ref t.Fulfillments, Key(fulfillment.Id), fulfillment) ? FulfillmentInsert.Inserted : FulfillmentInsert.Duplicate,
            cancellationToken);

    public Task<Fulfillment?> SelectFulfillmentAsync(string fulfillmentId, CancellationToken cancellationToken) =>
        RunAsync(t => t.Fulfillments.GetValueOrDefault(Key(fulfillmentId)), cancellationToken);

    public Task<IReadOnlyList<Fulfillment>> SelectFulfillmentsAsync(string orderId, int limit, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<Fulfillment>>(t => Table.NewestFirst(t.Fulfillments.Values
            .Where(f => f.TenantId == TenantId && string.Equals(f.OrderId, orderId, StringComparison.Ordinal)), f => f.CreatedAt, f => f.Id, limit),
            cancellationToken);

    public Task<Fulfillment?> UpdateFulfillmentStatusAsync(string fulfillmentId, FulfillmentStatus status, DateTimeOffset? shippedAt,
        DateTimeOffset? deliveredAt, DateTimeOffset updatedAt, string? trackingNumber, string? trackingUrl, string? carrier,
        CancellationToken cancellationToken) =>
        RunAsync(t => Table.Update(ref t.Fulfillments, Key(fulfillmentId), current => current with
        {
            Status = status,
            ShippedAt = shippedAt ?? current.ShippedAt,
            DeliveredAt = deliveredAt ?? current.DeliveredAt,
            UpdatedAt = updatedAt,
            TrackingNumber = trackingNumber ?? current.TrackingNumber,
            TrackingUrl = trackingUrl ?? current.TrackingUrl,
            Carrier = carrier ?? current.Carrier,
        }), cancellationToken);
}
