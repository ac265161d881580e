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
            for (var i = 0; i < reservations.Count; i++)
                if (t.Reservations.ContainsKey(Key(reservations[i].Id))) return ReservationOutcome.Duplicate(i);
            t.Reservations = t.Reservations.AddRange(reservations.Select(r => KeyValuePair.Create(Key(r.Id), r)));
            return ReservationOutcome.Done;
        }, cancellationToken);

    public Task<long> SumActiveReservationsAsync(StockKey key, DateTimeOffset now, CancellationToken cancellationToken) =>
        RunAsync(t => ActiveUnits(t, key, now), cancellationToken);

    public Task<IReadOnlyList<InventoryReservation>> SelectActiveCartReservationsAsync(string cartId, DateTimeOffset now,
        CancellationToken cancellationToken) =>
        RunAsync<IReadOnlyList<InventoryReservation>>(t => Table.OldestFirst(
            CartReservations(t, cartId).Where(r => r.Status == ReservationStatus.Active && r.ExpiresAt > now), r => r.CreatedAt, r => r.Id),
            cancellationToken);

    public Task<int> ReleaseCartReservationsAsync(string cartId, DateTimeOffset at, CancellationToken cancellationToken) =>
        RunAsync(t => MoveCartReservations(t, cartId, ReservationStatus.Released, at, _ => true), cancellationToken);

    public Task<int> ConvertCartReservationsAsync(string cartId, DateTimeOffset at, DateTimeOffset now, CancellationToken cancellationToken) =>
        RunAsync(t => MoveCartReservations(t, cartId, ReservationStatus.Converted, at, r => r.ExpiresAt > now), cancellationToken);

    public Task<int> ReleaseExpiredReservationsAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken) =>
        RunAsync(t => Table.UpdateWhere(ref t.Reservations, r => r.Status == ReservationStatus.Active && r.ExpiresAt <= cutoff,
            r => r with { Status = ReservationStatus.Released, StatusUpdatedAt = cutoff }, batchSize), cancellationToken);

    /// <summary>Active, unexpired units of one (product, variant) in this tenant.</summary>
    private long ActiveUnits(InMemoryTables t, StockKey key, DateTimeOffset now) => t.Reservations.Values
        .Where(r => r.TenantId == TenantId
            && r.Status == ReservationStatus.Active
            && r.ExpiresAt > now
            && string.Equals(r.ProductId, key.ProductId, StringComparison.Ordinal)
            && string.Equals(r.VariantId, key.VariantId, StringComparison.Ordinal))
        .Sum(r => (long)r.Quantity);

    private IEnumerable<InventoryReservation> CartReservations(InMemoryTables t, string cartId) => t.Reservations.Values.Where(r => InCart(r, cartId));

    private bool InCart(InventoryReservation r, string cartId) => r.TenantId == TenantId && string.Equals(r.CartId, cartId, StringComparison.Ordinal);

    private int MoveCartReservations(InMemoryTables t, string cartId, ReservationStatus to, DateTimeOffset at,
        Func<InventoryReservation, bool> eligible) =>
        Table.UpdateWhere(ref t.Reservations, r => InCart(r, cartId) && r.Status == ReservationStatus.Active && eligible(r),
            r => r with { Status = to, StatusUpdatedAt = at });
}
