using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Internal;
using Cedros.Storage.Validation;

namespace Cedros.Storage.FrontDoor;

internal sealed partial class TenantStore
{
    public Task CreateFulfillmentAsync(Fulfillment fulfillment, CancellationToken cancellationToken = default) =>
        Call("CreateFulfillment", "fulfillments", async ct =>
        {
            var prepared = Prepare.Fulfillment(TenantId, fulfillment, Now);
            switch (await Driver.InsertFulfillmentAsync(prepared, ct).ConfigureAwait(false))
            {
                case FulfillmentInsert.OrderMissing: throw new StorageNotFoundException("order", prepared.OrderId);
                case FulfillmentInsert.Duplicate: throw Conflicts.AlreadyExists("fulfillment", prepared.Id);
            }
        }, cancellationToken);

    public Task<Fulfillment?> GetFulfillmentAsync(string fulfillmentId, CancellationToken cancellationToken = default) =>
        Call("GetFulfillment", "fulfillments", ct =>
        {
            Check.Id(fulfillmentId, "fulfillment id");
            return Driver.SelectFulfillmentAsync(fulfillmentId, ct);
        }, cancellationToken);

    public Task<IReadOnlyList<Fulfillment>> ListFulfillmentsAsync(string orderId, int limit, CancellationToken cancellationToken = default) =>
        Call("ListFulfillments", "fulfillments", ct =>
        {
            Check.Id(orderId, "order id");
            Check.Page(limit);
            return Driver.SelectFulfillmentsAsync(orderId, limit, ct);
        }, cancellationToken);

    public Task<Fulfillment?> UpdateFulfillmentStatusAsync(string fulfillmentId, FulfillmentStatus status, DateTimeOffset? shippedAt, DateTimeOffset? deliveredAt, DateTimeOffset updatedAt, string? trackingNumber = null, string? trackingUrl = null, string? carrier = null, CancellationToken cancellationToken = default) =>
        Call("UpdateFulfillmentStatus", "fulfillments", ct =>
        {
            PrepareArguments.FulfillmentStatus(fulfillmentId, status, trackingNumber, trackingUrl, carrier);
            return Driver.UpdateFulfillmentStatusAsync(fulfillmentId, status, StorageTime.Micro(shippedAt), StorageTime.Micro(deliveredAt),
                StorageTime.Micro(updatedAt), trackingNumber, trackingUrl, carrier, ct);
        }, cancellationToken);
}
