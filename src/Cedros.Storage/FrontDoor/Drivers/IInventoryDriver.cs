using Cedros.Storage.Validation;

namespace Cedros.Storage.FrontDoor.Drivers;

/// <summary>Inventory reservations, database side (contract §6). Values arrive prepared (checked, normalised, tenant
/// stamped); "active" means status active and expiring after the <c>now</c> passed in.</summary>
internal interface IInventoryDriver
{
    /// <summary>
    /// In one atomic step: when <paramref name="demands"/> is not empty, locks each (product, variant) counter and checks
    /// its active units plus the demand against the stock given; then inserts every reservation (status active). All or
    /// nothing: a refused demand or an id already taken inserts none, and the outcome says which.
    /// </summary>
    Task<ReservationOutcome> InsertReservationsAsync(IReadOnlyList<InventoryReservation> reservations, IReadOnlyList<StockDemand> demands,
        DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The active units of one (product, variant).</summary>
    Task<long> SumActiveReservationsAsync(StockKey key, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>The cart's active reservations, oldest first (created_at, then id).</summary>
    Task<IReadOnlyList<InventoryReservation>> SelectActiveCartReservationsAsync(string cartId, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Marks every status-active reservation of the cart released at <paramref name="at"/> (expired ones
    /// included); returns how many.</summary>
    Task<int> ReleaseCartReservationsAsync(string cartId, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Marks the cart's active (unexpired at <paramref name="now"/>) reservations converted at
    /// <paramref name="at"/>; returns how many.</summary>
    Task<int> ConvertCartReservationsAsync(string cartId, DateTimeOffset at, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Marks up to <paramref name="batchSize"/> status-active reservations (any tenant) that expire at or before
    /// <paramref name="cutoff"/> released at <paramref name="cutoff"/>, in one atomic step; returns how many.</summary>
    Task<int> ReleaseExpiredReservationsAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken);
}

/// <summary>The outcome of <see cref="IInventoryDriver.InsertReservationsAsync"/>: inserted, or the index of the demand
/// that did not fit (with the units already reserved), or the index of the first reservation whose id was taken.</summary>
internal readonly record struct ReservationOutcome(int RefusedDemand, long Reserved, int DuplicateItem)
{
    public static ReservationOutcome Done => new(-1, 0, -1);
    public static ReservationOutcome Refused(int demand, long reserved) => new(demand, reserved, -1);
    public static ReservationOutcome Duplicate(int item) => new(-1, 0, item);
}
