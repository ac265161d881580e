using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Internal;

namespace Cedros.Storage.InMemory;

internal sealed partial class InMemoryStore : IFulfillmentDriver
{
    public Task<FulfillmentInsert> InsertFulfillmentAsync(Fulfillment fulfillment, CancellationToken cancellationToken) =>
        RunAsync(t =>
        {
            if (!t.Orders.ContainsKey(Key(fulfillment.OrderId))) return FulfillmentInsert.OrderMissing;
            if (t.Fulfillments.ContainsKey(Key(fulfillment.Id))) return FulfillmentInsert.Duplicate;
            t.Fulfillments = t.Fulfillments.Add(Key(fulfillment.Id), fulfillment);
            return FulfillmentInsert.Inserted;
        }, cancellationToken);

    public Task<Fulfillment?> SelectFulfillmentAsync(string fulfillmentId, CancellationToken cancellationToken) =>
        RunAsync(t => t.Fulfillments.GetValueOrDefault(Key(fulfillmentId)), cancellationToken);

    public Task<IReadOnlyList<Fulfillment>> SelectFulfillmentsAsync(string orderId, int limit, CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<Fulfillment>>(t => t.Fulfillments.Values
            .Where(f => f.TenantId == TenantId && string.Equals(f.OrderId, orderId, StringComparison.Ordinal))
            .OrderByDescending(f => f.CreatedAt)
            .ThenByDescending(f => f.Id, Utf8Order.Instance)
            .Take(limit)
            .ToList()
            .AsReadOnly(), cancellationToken);

    public Task<Fulfillment?> UpdateFulfillmentStatusAsync(string fulfillmentId, FulfillmentStatus status, DateTimeOffset? shippedAt,
        DateTimeOffset? deliveredAt, DateTimeOffset updatedAt, string? trackingNumber, string? trackingUrl, string? carrier,
        CancellationToken cancellationToken) =>
        RunAsync(t =>
        {
            if (!t.Fulfillments.TryGetValue(Key(fulfillmentId), out var current)) return null;
            var next = current with
            {
                Status = status,
                ShippedAt = shippedAt ?? current.ShippedAt,
                DeliveredAt = deliveredAt ?? current.DeliveredAt,
                UpdatedAt = updatedAt,
                TrackingNumber = trackingNumber ?? current.TrackingNumber,
                TrackingUrl = trackingUrl ?? current.TrackingUrl,
                Carrier = carrier ?? current.Carrier,
            };
            t.Fulfillments = t.Fulfillments.SetItem(Key(fulfillmentId), next);
            return next;
        }, cancellationToken);
}
