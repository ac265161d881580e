using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Internal;
using Cedros.Storage.Validation;

namespace Cedros.Storage.InMemory;

internal sealed partial class InMemoryStore : IInventoryDriver
{
    /// <summary>The stock check, the id check and the inserts run under the engine's lock.</summary>
    public Task<ReservationOutcome> InsertReservationsAsync(IReadOnlyList<InventoryReservation> reservations,
        IReadOnlyList<StockDemand> demands, DateTimeOffset now, CancellationToken cancellationToken) =>
        RunAsync(t =>
        {
            for (var i = 0; i < demands.Count; i++)
            {
                var reserved = ActiveUnits(t, demands[i].Key, now);
                if (reserved + demands[i].Quantity > demands[i].Available) return ReservationOutcome.Refused(i, reserved);
            }
            // Every id must be new (the front door made them distinct): any stored row refuses the batch.
            var taken = Table.UpsertAllUnless(ref t.Reservations, reservations, r => Key(r.Id), _ => true);
            return taken < 0 ? ReservationOutcome.Done : ReservationOutcome.Duplicate(taken);
        }, cancellationToken);

    public Task<long> SumActiveReservationsAsync(StockKey key, DateTimeOffset now, CancellationToken cancellationToken) =>
        RunAsync(t => ActiveUnits(t, key, now), cancellationToken);

    public Task<IReadOnlyList<InventoryReservation>> SelectActiveCartReservationsAsync(string cartId, DateTimeOffset now,
        CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<InventoryReservation>>(t => Table.OldestFirst(t.Reservations.Values
            .Where(r => ActiveInCart(r, cartId) && r.ExpiresAt > now), r => r.CreatedAt, r => r.Id), cancellationToken);

    public Task<int> ReleaseCartReservationsAsync(string cartId, DateTimeOffset at, CancellationToken cancellationToken) =>
        RunAsync(t => Table.UpdateWhere(ref t.Reservations, r => ActiveInCart(r, cartId),
            r => r with { Status = ReservationStatus.Released, StatusUpdatedAt = at }), cancellationToken);

    public Task<int> ConvertCartReservationsAsync(string cartId, DateTimeOffset at, DateTimeOffset now, CancellationToken cancellationToken) =>
        RunAsync(t => Table.UpdateWhere(ref t.Reservations, r => ActiveInCart(r, cartId) && r.ExpiresAt > now,
            r => r with { Status = ReservationStatus.Converted, StatusUpdatedAt = at }), cancellationToken);

    public Task<int> ReleaseExpiredReservationsAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken) =>
        RunAsync(t => Table.UpdateWhere(ref t.Reservations, r => r.Status == ReservationStatus.Active && r.ExpiresAt <= cutoff,
            r => r with { Status = ReservationStatus.Released, StatusUpdatedAt = cutoff }, batchSize), cancellationToken);

    /// <summary>Active, unexpired units of one (product, variant) in this tenant.</summary>
    private long ActiveUnits(InMemoryTables t, StockKey key, DateTimeOffset now) => t.Reservations.Values
        .Where(r => r.TenantId == TenantId && r.Status == ReservationStatus.Active && r.ExpiresAt > now
            && new StockKey(r.ProductId, r.VariantId) == key)
        .Sum(r => (long)r.Quantity);

    /// <summary>An active reservation of this tenant's cart (expired or not).</summary>
    private bool ActiveInCart(InventoryReservation r, string cartId) =>
        r.TenantId == TenantId && r.Status == ReservationStatus.Active && string.Equals(r.CartId, cartId, StringComparison.Ordinal);
}
