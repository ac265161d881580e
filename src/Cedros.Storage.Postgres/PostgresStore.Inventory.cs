using System.Security.Cryptography;
using System.Text;
using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Validation;
using Npgsql;

namespace Cedros.Storage.Postgres;

internal sealed partial class PostgresStore : IInventoryDriver
{
    /// <summary>
    /// Inserts the reservations in one statement. With <paramref name="demands"/>, that statement follows, in the same
    /// round trip, one that takes a transaction-scoped advisory lock per (tenant, product, variant) — in a fixed order,
    /// so two carts never deadlock; the insert's snapshot is taken after the locks, so it sees every reservation an
    /// earlier holder committed. It sums the active units of each key and inserts only if every demand fits; all or
    /// nothing (a taken id rolls the transaction back).
    /// </summary>
    public async Task<ReservationOutcome> InsertReservationsAsync(IReadOnlyList<InventoryReservation> reservations,
        IReadOnlyList<StockDemand> demands, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var one = reservations.Count == 1 && demands.Count == 1;
        // The single reservation (a checkout's call) binds its values directly: no column arrays.
        (string, object?)[] rows = one ? [] :
        [
            ("t", TenantId), ("now", now),
            ("ids", reservations.Select(r => r.Id).ToArray()),
            ("r_products", reservations.Select(r => r.ProductId).ToArray()),
            ("r_variants", reservations.Select(r => r.VariantId).ToArray()),
            ("quantities", reservations.Select(r => r.Quantity).ToArray()),
            ("expires", reservations.Select(r => r.ExpiresAt).ToArray()),
            ("carts", reservations.Select(r => r.CartId).ToArray()),
            ("created", reservations.Select(r => r.CreatedAt).ToArray()),
        ];
        try
        {
            return await RunAsync(async c =>
            {
                if (one) return await ReserveOneAsync(c, reservations[0], demands[0], now).ConfigureAwait(false);
                if (demands.Count == 0)
                    return Inserted(reservations, await c.ListAsync(InsertReservations, r => r.GetString(0), rows).ConfigureAwait(false));
                var order = Enumerable.Range(0, demands.Count).OrderBy(i => LockKey(demands[i].Key)).ToArray();
                (string, object?)[] stock =
                [
                    .. rows,
                    ("keys", order.Select(i => LockKey(demands[i].Key)).ToArray()),
                    ("products", order.Select(i => demands[i].Key.ProductId).ToArray()),
                    ("variants", order.Select(i => demands[i].Key.VariantId).ToArray()),
                    ("wanted", order.Select(i => demands[i].Quantity).ToArray()),
                    ("available", order.Select(i => (long)demands[i].Available).ToArray()),
                ];
                await using var batch = c.Batch(c.BatchCommand(LockStock, stock), c.BatchCommand(InsertWithinStock, stock));
                await using var reader = await batch.ExecuteReaderAsync(c.Ct).ConfigureAwait(false);
                await reader.NextResultAsync(c.Ct).ConfigureAwait(false);
                var reserved = new long[order.Length];
                var inserted = new List<string>(reservations.Count);
                while (await reader.ReadAsync(c.Ct).ConfigureAwait(false))
                {
                    if (reader.IsDBNull(2)) reserved[reader.GetInt64(0) - 1] = reader.GetInt64(1);
                    else inserted.Add(reader.GetString(2));
                }
                for (var n = 0; n < order.Length; n++)
                {
                    var d = demands[order[n]];
                    if (reserved[n] + d.Quantity > d.Available) return ReservationOutcome.Refused(order[n], reserved[n]);
                }
                return Inserted(reservations, inserted);
            }, cancellationToken, atomic: demands.Count > 0 || reservations.Count > 1).ConfigureAwait(false);
        }
        catch (Undo<ReservationOutcome> undo)
        {
            return undo.Outcome;
        }
    }

    /// <summary>
    /// One reservation against its stock (the call a checkout makes): the lock and a single-row conditional insert in
    /// one round trip, no arrays. Only when nothing was inserted is the reserved sum read, still under the lock, to tell
    /// a refusal (with the units reserved) from a taken id.
    /// </summary>
    private async Task<ReservationOutcome> ReserveOneAsync(PgConn c, InventoryReservation r, StockDemand d, DateTimeOffset now)
    {
        // A typed parameter (the text nulls) belongs to one command: the lock binds only @key, so it shares the insert's
        // arguments; the sum after a refusal gets its own.
        (string, object?)[] Args() =>
        [
            ("key", LockKey(d.Key)), ("t", TenantId), ("now", now), ("id", r.Id), ("product", r.ProductId),
            ("variant", PgCodec.TextParam(r.VariantId)), ("quantity", r.Quantity), ("expires", r.ExpiresAt),
            ("cart", PgCodec.TextParam(r.CartId)), ("created", r.CreatedAt), ("wanted", d.Quantity), ("available", (long)d.Available),
        ];
        var args = Args();
        await using (var batch = c.Batch(c.BatchCommand("SELECT pg_advisory_xact_lock(@key)", args), c.BatchCommand(InsertOneWithinStock(r.VariantId), args)))
        await using (var reader = await batch.ExecuteReaderAsync(c.Ct).ConfigureAwait(false))
        {
            await reader.NextResultAsync(c.Ct).ConfigureAwait(false);
            if (await reader.ReadAsync(c.Ct).ConfigureAwait(false)) return ReservationOutcome.Done;
        }
        var reserved = await c.RowAsync(SumActive(r.VariantId), x => x.GetInt64(0), Args()).ConfigureAwait(false);
        if (reserved + d.Quantity > d.Available) return ReservationOutcome.Refused(0, reserved);
        throw new Undo<ReservationOutcome>(ReservationOutcome.Duplicate(0));
    }

    /// <summary>The active, unexpired units of (@product, @variant). Two texts, for a null and a given variant:
    /// <c>IS NOT DISTINCT FROM</c> cannot use the (tenant, product, variant) index, and its generic plan read every
    /// reservation of the product (the single reservation cost 2.4× the raw insert on the server). The instant is a
    /// sub-select, so no plan depends on the statistics of <c>expires_at</c>: statistics older than the reservations
    /// (the table emptied or bulk-expired since the last ANALYZE) estimated one unexpired row, and the plan read every
    /// active reservation of every product by the expiry index, under the product's lock (migration 0007).</summary>
    private static string SumActive(string? variant) => variant is null ? SumActiveNoVariant : SumActiveOfVariant;

    private const string SumActiveNoVariant = """
        SELECT COALESCE(SUM(quantity), 0)::bigint FROM [[inventory_reservations]]
         WHERE tenant_id = @t AND product_id = @product AND variant_id IS NULL AND status = 'active' AND expires_at > (SELECT @now::timestamptz)
        """;

    private const string SumActiveOfVariant = """
        SELECT COALESCE(SUM(quantity), 0)::bigint FROM [[inventory_reservations]]
         WHERE tenant_id = @t AND product_id = @product AND variant_id = @variant AND status = 'active' AND expires_at > (SELECT @now::timestamptz)
        """;

    private static string InsertOneWithinStock(string? variant) => variant is null ? InsertOneNoVariant : InsertOneOfVariant;

    private const string InsertOneReservation = """
        INSERT INTO [[inventory_reservations]] (id, tenant_id, product_id, variant_id, quantity, expires_at, cart_id, status, created_at, status_updated_at)
        SELECT @id, @t, @product, @variant, @quantity, @expires, @cart, 'active', @created, NULL
         WHERE (
        """;

    private const string WithinStock = """
        ) + @wanted <= @available
        ON CONFLICT DO NOTHING
        RETURNING id
        """;

    private const string InsertOneNoVariant = InsertOneReservation + SumActiveNoVariant + WithinStock;
    private const string InsertOneOfVariant = InsertOneReservation + SumActiveOfVariant + WithinStock;

    /// <summary>Done when every reservation was inserted; otherwise the first whose id was taken, undone.</summary>
    private static ReservationOutcome Inserted(IReadOnlyList<InventoryReservation> reservations, List<string> inserted)
    {
        if (inserted.Count == reservations.Count) return ReservationOutcome.Done;
        var fresh = inserted.ToHashSet(StringComparer.Ordinal);
        var duplicate = Enumerable.Range(0, reservations.Count).First(i => !fresh.Contains(reservations[i].Id));
        throw new Undo<ReservationOutcome>(ReservationOutcome.Duplicate(duplicate));
    }

    private const string LockStock =
        "SELECT pg_advisory_xact_lock(k) FROM unnest(@keys::bigint[]) WITH ORDINALITY AS u(k, n) ORDER BY n";

    private const string ReservationRows = """
        SELECT u.id, @t, u.product_id, u.variant_id, u.quantity, u.expires_at, u.cart_id, 'active', u.created_at, NULL
          FROM unnest(@ids::text[], @r_products::text[], @r_variants::text[], @quantities::int[], @expires::timestamptz[],
                      @carts::text[], @created::timestamptz[])
               AS u(id, product_id, variant_id, quantity, expires_at, cart_id, created_at)
        """;

    private const string InsertReservationColumns = """
        INSERT INTO [[inventory_reservations]] (id, tenant_id, product_id, variant_id, quantity, expires_at, cart_id, status, created_at, status_updated_at)

        """;

    private const string InsertReservations = InsertReservationColumns + ReservationRows + """

        ON CONFLICT DO NOTHING
        RETURNING id
        """;

    /// <summary>One row per demand (its position in lock order, the units reserved), then one per inserted id; the
    /// insert runs only when every demand fits.</summary>
    private const string InsertWithinStock = """
        WITH demand AS (
            SELECT k.n, k.wanted, k.available,
                   (SELECT COALESCE(SUM(r.quantity), 0) FROM [[inventory_reservations]] r
                     WHERE r.tenant_id = @t AND r.product_id = k.p AND r.variant_id IS NOT DISTINCT FROM k.v
                       AND r.status = 'active' AND r.expires_at > (SELECT @now::timestamptz))::bigint AS reserved
              FROM unnest(@products::text[], @variants::text[], @wanted::bigint[], @available::bigint[]) WITH ORDINALITY AS k(p, v, wanted, available, n)),
        inserted AS (

        """ + InsertReservationColumns + ReservationRows + """

             WHERE NOT EXISTS (SELECT 1 FROM demand WHERE reserved + wanted > available)
            ON CONFLICT DO NOTHING
            RETURNING id)
        SELECT n, reserved, NULL::text FROM demand
        UNION ALL
        SELECT NULL, NULL, id FROM inserted
        """;

    public Task<long> SumActiveReservationsAsync(StockKey key, DateTimeOffset now, CancellationToken cancellationToken) =>
        RunAsync(c => c.RowAsync(SumActive(key.VariantId), r => r.GetInt64(0),
            ("t", TenantId), ("product", key.ProductId), ("variant", PgCodec.TextParam(key.VariantId)), ("now", now)), cancellationToken);

    public Task<int> ReleaseExpiredReservationsAsync(DateTimeOffset cutoff, int batchSize, CancellationToken cancellationToken) =>
        RunAsync(c => c.ExecuteAsync("""
            UPDATE [[inventory_reservations]] r SET status = 'released', status_updated_at = @cutoff
              FROM (SELECT tenant_id, id FROM [[inventory_reservations]]
                     WHERE status = 'active' AND expires_at <= @cutoff
                     LIMIT @n FOR UPDATE SKIP LOCKED) b
             WHERE r.tenant_id = b.tenant_id AND r.id = b.id
            """, ("cutoff", cutoff), ("n", batchSize)), cancellationToken);

    /// <summary>A stable 64-bit advisory lock key for one stock counter of this tenant and table.</summary>
    private long LockKey(StockKey key)
    {
        var text = $"{Context.Tables.InventoryReservations}\u001f{TenantId}\u001f{key.ProductId}\u001f{key.VariantId ?? "\u001e"}";
        var length = Encoding.UTF8.GetMaxByteCount(text.Length);
        var utf8 = length <= 1024 ? stackalloc byte[1024] : new byte[length];
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..Encoding.UTF8.GetBytes(text, utf8)], hash);
        return BitConverter.ToInt64(hash);
    }
}
