namespace Cedros.Storage.Validation;

/// <summary>One (product, variant) stock counter a reservation call draws on: the units it asks for in total and the
/// stock the caller said is available.</summary>
internal readonly record struct StockDemand(StockKey Key, long Quantity, int Available);

/// <summary>
/// The checks every backend runs before reserving inventory against a caller-given stock, and the errors it raises:
/// preparing the reservations, rejecting a negative or missing stock figure, adding up the units per (product,
/// variant), and the LimitReached error when they do not fit. Only the counting of what is already reserved (and the
/// locking around it) belongs to a backend.
/// </summary>
internal static class PrepareReservations
{
    /// <summary>Prepares one reservation checked against <paramref name="availableStock"/>.</summary>
    public static InventoryReservation One(string tenantId, InventoryReservation reservation, int availableStock, DateTimeOffset now,
        out StockDemand demand)
    {
        var prepared = Prepare.Reservation(tenantId, reservation, now);
        var key = new StockKey(prepared.ProductId, prepared.VariantId);
        CheckStock(availableStock, key);
        demand = new StockDemand(key, prepared.Quantity, availableStock);
        return prepared;
    }

    /// <summary>
    /// Prepares a batch (ids distinct, every (product, variant) given a non-negative stock) and adds up the requested
    /// units per (product, variant), in the order each key first appears.
    /// </summary>
    public static InventoryReservation[] Batch(string tenantId, IReadOnlyList<InventoryReservation> reservations,
        IReadOnlyDictionary<StockKey, int> availableStock, DateTimeOffset now, out StockDemand[] demands)
    {
        Check.Batch(reservations, "reservations");
        if (availableStock is null) throw new StorageValidationException("availableStock is required.", "availableStock");
        var prepared = reservations.Select((r, i) => Prepare.Reservation(tenantId, r, now, i)).ToArray();
        Check.Distinct(prepared, r => r.Id, "reservation id");
        var order = new List<StockKey>();
        var wanted = new Dictionary<StockKey, long>();
        for (var i = 0; i < prepared.Length; i++)
        {
            var key = new StockKey(prepared[i].ProductId, prepared[i].VariantId);
            if (!availableStock.TryGetValue(key, out var stock))
                throw new StorageValidationException($"no available stock given for {Describe(key)}.", "availableStock", i);
            CheckStock(stock, key);
            if (!wanted.ContainsKey(key)) order.Add(key);
            wanted[key] = wanted.GetValueOrDefault(key) + prepared[i].Quantity;
        }
        demands = order.Select(k => new StockDemand(k, wanted[k], availableStock[k])).ToArray();
        return prepared;
    }

    /// <summary>Throws LimitReached unless the demand fits next to <paramref name="reserved"/> units already held.</summary>
    public static void EnsureFits(StockDemand demand, long reserved)
    {
        if (reserved + demand.Quantity > demand.Available)
            throw new StorageLimitReachedException(
                $"not enough stock for {Describe(demand.Key)}: {demand.Available} available, {reserved} reserved, {demand.Quantity} requested.");
    }

    /// <summary>"product 'p'" or "product 'p' variant 'v'", as error messages name a stock counter.</summary>
    public static string Describe(StockKey key) =>
        key.VariantId is null ? $"product '{key.ProductId}'" : $"product '{key.ProductId}' variant '{key.VariantId}'";

    private static void CheckStock(int availableStock, StockKey key)
    {
        if (availableStock < 0)
            throw new StorageValidationException($"available stock for {Describe(key)} must not be negative.", "availableStock");
    }
}
