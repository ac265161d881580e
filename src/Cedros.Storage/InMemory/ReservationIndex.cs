using System.Collections.Immutable;

namespace Cedros.Storage.InMemory;

/// <summary>
/// The active reservations of each (tenant, product, variant), as the SQL backends' active-stock index: reserving
/// against a stock sums that stock's active rows instead of every reservation ever made. Immutable like the tables, so
/// a snapshot and a rollback carry it along.
/// </summary>
internal sealed record ReservationIndex(ImmutableDictionary<(string Tenant, StockKey Stock), ImmutableHashSet<string>> Active)
{
    public static ReservationIndex Empty { get; } = new(ImmutableDictionary<(string, StockKey), ImmutableHashSet<string>>.Empty);

    /// <summary>The ids of the tenant's active reservations of one stock (expired or not).</summary>
    public IEnumerable<string> ActiveIds(string tenantId, StockKey stock) =>
        Active.TryGetValue((tenantId, stock), out var ids) ? ids : [];

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
            if (old is { Status: ReservationStatus.Active }) Change(active, old, ids => ids.Remove(old.Id));
            if (now is { Status: ReservationStatus.Active }) Change(active, now, ids => ids.Add(now.Id));
        }
        return new ReservationIndex(active.ToImmutable());
    }

    private static void Change(ImmutableDictionary<(string, StockKey), ImmutableHashSet<string>>.Builder active,
        InventoryReservation row, Func<ImmutableHashSet<string>, ImmutableHashSet<string>> change)
    {
        var key = (row.TenantId, new StockKey(row.ProductId, row.VariantId));
        var ids = change(active.GetValueOrDefault(key) ?? ImmutableHashSet.Create<string>(StringComparer.Ordinal));
        if (ids.IsEmpty) active.Remove(key);
        else active[key] = ids;
    }
}
