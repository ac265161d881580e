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
            var before = t.Reservations;
            var taken = Table.UpsertAllUnless(ref t.Reservations, reservations, r => Key(r.Id), _ => true);
            if (taken >= 0) return ReservationOutcome.Duplicate(taken);
            t.ReservationsByStock = t.ReservationsByStock.Sync(before, t.Reservations, reservations.Select(r => Key(r.Id)));
            return ReservationOutcome.Done;
        }, cancellationToken);

    public Task<long> SumActiveReservationsAsync(StockKey key, DateTimeOffset now, CancellationToken cancellationToken) =>
        RunAsync(t => ActiveUnits(t, key, now), cancellationToken);

    public Task<IReadOnlyList<InventoryReservation>> SelectActiveCartReservationsAsync(string cartId, DateTimeOffset now,
        CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<InventoryReservation>>(t => Table.OldestFirst(t.Reservations.Values
            .Where(r => ActiveInCart(r, cartId) && r.ExpiresAt > now), r => r.CreatedAt, r => r.Id), cancellationToken);

    public Task<int> ReleaseCartReservationsAsync(string cartId, DateTimeOffset at, CancellationToken cancellationToken) =>
        RunAsync(t => UpdateReservations(t, r => ActiveInCart(r, cartId),
            r => r with { Status = ReservationStatus.Released, StatusUpdatedAt = at }), cancellationToken);

    public Task<int> ConvertCartReservationsAsync(string cartId, DateTimeOffset at, DateTimeOffset now, CancellationToken cancellationToken) =>
        RunAsync(t => UpdateReservations(t, r => ActiveInCart(r, cartId) && r.ExpiresAt > now,
            r => r with { Status = ReservationStatus.Converted, StatusUpdatedAt = at }), cancellationToken);

    public Task<int> ReleaseExpiredReservationsAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken) =>
        RunAsync(t => UpdateReservations(t, r => r.Status == ReservationStatus.Active && r.ExpiresAt <= cutoff,
            r => r with { Status = ReservationStatus.Released, StatusUpdatedAt = cutoff }, batchSize), cancellationToken);

    /// <summary>Active, unexpired units of one (product, variant) in this tenant, from the stock's index entry.</summary>
    private long ActiveUnits(InMemoryTables t, StockKey key, DateTimeOffset now)
    {
        long units = 0;
        foreach (var r in t.ReservationsByStock.ActiveRows(TenantId, key))
            if (r.ExpiresAt > now) units += r.Quantity;
        return units;
    }

    /// <summary><see cref="Table.UpdateWhere"/> on the reservations, keeping <see cref="InMemoryTables.ReservationsByStock"/> in step.</summary>
    private static int UpdateReservations(InMemoryTables t, Func<InventoryReservation, bool> match,
        Func<InventoryReservation, InventoryReservation> change, int limit = int.MaxValue)
    {
        var before = t.Reservations;
        var changed = new List<(string, string)>();
        var count = Table.UpdateWhere(ref t.Reservations, match, r =>
        {
            changed.Add((r.TenantId, r.Id));
            return change(r);
        }, limit);
        t.ReservationsByStock = t.ReservationsByStock.Sync(before, t.Reservations, changed);
        return count;
    }

    /// <summary>An active reservation of this tenant's cart (expired or not).</summary>
    private bool ActiveInCart(InventoryReservation r, string cartId) =>
        r.TenantId == TenantId && r.Status == ReservationStatus.Active && string.Equals(r.CartId, cartId, StringComparison.Ordinal);
}
