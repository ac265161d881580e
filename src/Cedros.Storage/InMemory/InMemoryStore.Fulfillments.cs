using Cedros.Storage.Internal;
using Cedros.Storage.Validation;

namespace Cedros.Storage.InMemory;

internal sealed partial class InMemoryStore
{
    public Task CreateFulfillmentAsync(Fulfillment fulfillment, CancellationToken cancellationToken)
    {
        var prepared = Prepare.Fulfillment(TenantId, fulfillment, Now);
        return RunAsync(t =>
        {
            if (!t.Orders.ContainsKey(Key(prepared.OrderId))) throw new StorageNotFoundException("order", prepared.OrderId);
            if (t.Fulfillments.ContainsKey(Key(prepared.Id)))
                throw Conflicts.AlreadyExists("fulfillment", prepared.Id);
            t.Fulfillments = t.Fulfillments.Add(Key(prepared.Id), prepared);
        }, cancellationToken);
    }

    public Task<Fulfillment?> GetFulfillmentAsync(string fulfillmentId, CancellationToken cancellationToken)
    {
        Check.Id(fulfillmentId, "fulfillment id");
        return RunAsync(t => t.Fulfillments.GetValueOrDefault(Key(fulfillmentId)), cancellationToken);
    }

    public Task<IReadOnlyList<Fulfillment>> ListFulfillmentsAsync(string orderId, int limit, CancellationToken cancellationToken)
    {
        Check.Id(orderId, "order id");
        Check.Page(limit);
        return RunAsync<IReadOnlyList<Fulfillment>>(t => t.Fulfillments.Values
            .Where(f => f.TenantId == TenantId && string.Equals(f.OrderId, orderId, StringComparison.Ordinal))
            .OrderByDescending(f => f.CreatedAt)
            .ThenByDescending(f => f.Id, Utf8Order.Instance)
            .Take(limit)
            .ToList()
            .AsReadOnly(), cancellationToken);
    }

    public Task<Fulfillment?> UpdateFulfillmentStatusAsync(string fulfillmentId, FulfillmentStatus status, DateTimeOffset? shippedAt,
        DateTimeOffset? deliveredAt, DateTimeOffset updatedAt, string? trackingNumber, string? trackingUrl, string? carrier,
        CancellationToken cancellationToken)
    {
        PrepareArguments.FulfillmentStatus(fulfillmentId, status, trackingNumber, trackingUrl, carrier);
        var shipped = StorageTime.Micro(shippedAt);
        var delivered = StorageTime.Micro(deliveredAt);
        var updated = StorageTime.Micro(updatedAt);
        return RunAsync(t =>
        {
            if (!t.Fulfillments.TryGetValue(Key(fulfillmentId), out var current)) return null;
            var next = current with
            {
                Status = status,
                ShippedAt = shipped ?? current.ShippedAt,
                DeliveredAt = delivered ?? current.DeliveredAt,
                UpdatedAt = updated,
                TrackingNumber = trackingNumber ?? current.TrackingNumber,
                TrackingUrl = trackingUrl ?? current.TrackingUrl,
                Carrier = carrier ?? current.Carrier,
            };
            t.Fulfillments = t.Fulfillments.SetItem(Key(fulfillmentId), next);
            return next;
        }, cancellationToken);
    }
}
