namespace Cedros.Storage.InMemory;

internal sealed partial class InMemoryStore
{
    public Task CreateFulfillmentAsync(Fulfillment fulfillment, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<Fulfillment?> GetFulfillmentAsync(string fulfillmentId, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<IReadOnlyList<Fulfillment>> ListFulfillmentsAsync(string orderId, int limit, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<Fulfillment?> UpdateFulfillmentStatusAsync(string fulfillmentId, FulfillmentStatus status, DateTimeOffset? shippedAt, DateTimeOffset? deliveredAt, DateTimeOffset updatedAt, string? trackingNumber, string? trackingUrl, string? carrier, CancellationToken cancellationToken) => throw new NotImplementedException();
}
