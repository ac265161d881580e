using System.Collections.Immutable;

namespace Cedros.Storage.InMemory;

/// <summary>
/// The active reservations of each (tenant, product, variant), as the SQL backends' active-stock index: reserving
/// against a stock sums that stock's active rows instead of every reservation ever made. The index holds the rows
/// themselves (by id), so the sum reads them directly rather than looking each id up in the reservations table.
/// Immutable like the tables, so a snapshot and a rollback carry it along.
/// </summary>
internal sealed record ReservationIndex(ImmutableDictionary<(string Tenant, StockKey Stock), ImmutableDictionary<string, InventoryReservation>> Active)
{
    public static ReservationIndex Empty { get; } = new(ImmutableDictionary<(string, StockKey), ImmutableDictionary<string, InventoryReservation>>.Empty);

    private static readonly ImmutableDictionary<string, InventoryReservation> None =
        ImmutableDictionary.Create<string, InventoryReservation>(StringComparer.Ordinal);

    /// <summary>The tenant's active reservations of one stock (expired or not).</summary>
    public IEnumerable<InventoryReservation> ActiveRows(string tenantId, StockKey stock) =>
        Active.TryGetValue((tenantId, stock), out var rows) ? rows.Values : [];

    /// <summary>The index after the rows of <paramref name="keys"/> changed from <paramref name="before"/> to
    /// <paramref name="after"/> (absent = deleted).</summary>
    public ReservationIndex Sync(ImmutableDictionary<(string Tenant, string Id), InventoryReservation> before,
        ImmutableDictionary<(string Tenant, string Id), InventoryReservation> after, IEnumerable<(string Tenant, string Id)> keys)
    {
        var active = Active.ToBuilder();
        foreach (var key in keys)
        {
            var old = before.GetValueOrDefault(key);
            var now = after.GetValueOrDefault(key);
            if (ReferenceEquals(old, now)) continue;
            if (old is { Status: ReservationStatus.Active }) Change(active, old, rows => rows.Remove(old.Id));
            if (now is { Status: ReservationStatus.Active }) Change(active, now, rows => rows.SetItem(now.Id, now));
        }
        return new ReservationIndex(active.ToImmutable());
    }

    private static void Change(ImmutableDictionary<(string, StockKey), ImmutableDictionary<string, InventoryReservation>>.Builder active,
        InventoryReservation row, Func<ImmutableDictionary<string, InventoryReservation>, ImmutableDictionary<string, InventoryReservation>> change)
    {
        var key = (row.TenantId, new StockKey(row.ProductId, row.VariantId));
        var rows = change(active.GetValueOrDefault(key) ?? None);
        if (rows.IsEmpty) active.Remove(key);
        else active[key] = rows;
    }
}
