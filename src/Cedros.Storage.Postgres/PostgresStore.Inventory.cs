using System.Security.Cryptography;
using System.Text;
using Cedros.Storage.Internal;
using Cedros.Storage.Validation;
using Npgsql;

namespace Cedros.Storage.Postgres;

internal sealed partial class PostgresStore
{
    private const string ReservationColumns = "id, tenant_id, product_id, variant_id, quantity, expires_at, cart_id, status, created_at, status_updated_at";

    private static InventoryReservation ReadReservation(NpgsqlDataReader r) => new()
    {
        Id = r.GetString(0),
        TenantId = r.GetString(1),
        ProductId = r.GetString(2),
        VariantId = PgRow.OptStr(r, 3),
        Quantity = PgRow.Int(r, 4),
        ExpiresAt = PgRow.Time(r, 5),
        CartId = PgRow.OptStr(r, 6),
        Status = PgRow.Enum(r, 7, ReservationStatus.Active),
        CreatedAt = PgRow.Time(r, 8),
        StatusUpdatedAt = PgRow.OptTime(r, 9),
    };

    public Task ReserveInventoryAsync(InventoryReservation reservation, CancellationToken cancellationToken)
    {
        var prepared = Prepare.Reservation(TenantId, reservation, Now);
        return ReserveCoreAsync([prepared], stock: null, cancellationToken);
    }

    public Task ReserveInventoryAsync(InventoryReservation reservation, int availableStock, CancellationToken cancellationToken)
    {
        var prepared = Prepare.Reservation(TenantId, reservation, Now);
        var key = new StockKey(prepared.ProductId, prepared.VariantId);
        CheckStock(availableStock, key);
        return ReserveCoreAsync([prepared], new Dictionary<StockKey, int> { [key] = availableStock }, cancellationToken);
    }

    public Task ReserveInventoryAsync(IReadOnlyList<InventoryReservation> reservations, IReadOnlyDictionary<StockKey, int> availableStock,
        CancellationToken cancellationToken)
    {
        Check.Batch(reservations, "reservations");
        if (availableStock is null) throw new StorageValidationException("availableStock is required.", "availableStock");
        var now = Now;
        var prepared = reservations.Select((r, i) => Prepare.Reservation(TenantId, r, now, i)).ToArray();
        Check.Distinct(prepared, r => r.Id, "reservation id");
        var stock = new Dictionary<StockKey, int>();
        for (var i = 0; i < prepared.Length; i++)
        {
            var key = new StockKey(prepared[i].ProductId, prepared[i].VariantId);
            if (!availableStock.TryGetValue(key, out var available))
                throw new StorageValidationException($"no available stock given for {Describe(key)}.", "availableStock", i);
            CheckStock(available, key);
            stock[key] = available;
        }
        return prepared.Length == 0 ? Task.CompletedTask : ReserveCoreAsync(prepared, stock, cancellationToken);
    }

    public Task<int> GetReservedQuantityAsync(string productId, string? variantId, CancellationToken cancellationToken)
    {
        Check.Id(productId, "product_id");
        if (variantId is not null) Check.Id(variantId, "variant_id");
        return RunAsync(c => c.RowAsync("""
            SELECT LEAST(COALESCE(SUM(quantity), 0), 2147483647)::int FROM [[inventory_reservations]]
             WHERE tenant_id = @t AND product_id = @p AND variant_id IS NOT DISTINCT FROM @v AND status = 'active' AND expires_at > @now
            """, r => r.GetInt32(0), ("t", TenantId), ("p", productId), ("v", TextParam(variantId)), ("now", Now)), cancellationToken);
    }

    public Task<IReadOnlyList<InventoryReservation>> ListActiveReservationsForCartAsync(string cartId, CancellationToken cancellationToken)
    {
        Check.Id(cartId, "cart id");
        return RunAsync<IReadOnlyList<InventoryReservation>>(async c => await c.ListAsync($"""
            SELECT {ReservationColumns} FROM [[inventory_reservations]]
             WHERE tenant_id = @t AND cart_id = @cart AND status = 'active' AND expires_at > @now
             ORDER BY created_at, id COLLATE "C"
            """, ReadReservation, ("t", TenantId), ("cart", cartId), ("now", Now)).ConfigureAwait(false), cancellationToken);
    }

    public Task<int> ReleaseInventoryReservationsAsync(string cartId, DateTimeOffset releasedAt, CancellationToken cancellationToken)
    {
        Check.Id(cartId, "cart id");
        return RunAsync(c => c.ExecuteAsync("""
            UPDATE [[inventory_reservations]] SET status = 'released', status_updated_at = @at
             WHERE tenant_id = @t AND cart_id = @cart AND status = 'active'
            """, ("t", TenantId), ("cart", cartId), ("at", StorageTime.Micro(releasedAt))), cancellationToken);
    }

    public Task<int> ConvertInventoryReservationsAsync(string cartId, DateTimeOffset convertedAt, CancellationToken cancellationToken)
    {
        Check.Id(cartId, "cart id");
        return RunAsync(c => c.ExecuteAsync("""
            UPDATE [[inventory_reservations]] SET status = 'converted', status_updated_at = @at
             WHERE tenant_id = @t AND cart_id = @cart AND status = 'active' AND expires_at > @now
            """, ("t", TenantId), ("cart", cartId), ("at", StorageTime.Micro(convertedAt)), ("now", Now)), cancellationToken);
    }

    public async Task<int> CleanupExpiredInventoryReservationsAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var cutoff = StorageTime.Micro(now);
        var total = 0;
        while (true)
        {
            var released = await RunAsync(c => c.ExecuteAsync("""
                UPDATE [[inventory_reservations]] r SET status = 'released', status_updated_at = @cutoff
                  FROM (SELECT tenant_id, id FROM [[inventory_reservations]]
                         WHERE status = 'active' AND expires_at <= @cutoff
                         LIMIT @n FOR UPDATE SKIP LOCKED) b
                 WHERE r.tenant_id = b.tenant_id AND r.id = b.id
                """, ("cutoff", cutoff), ("n", Context.BatchSize)), cancellationToken).ConfigureAwait(false);
            if (released == 0) return total;
            total += released;
        }
    }

    /// <summary>
    /// Inserts prepared reservations in one statement. With <paramref name="stock"/>, first takes a transaction-scoped
    /// advisory lock per (tenant, product, variant) — in a fixed order, so two carts never deadlock — then checks the
    /// active, unexpired total of each key against its stock; all or nothing.
    /// </summary>
    private Task ReserveCoreAsync(InventoryReservation[] items, Dictionary<StockKey, int>? stock, CancellationToken cancellationToken) =>
        RunAsync(async c =>
        {
            var now = Now;
            if (stock is not null)
            {
                var wanted = items.GroupBy(r => new StockKey(r.ProductId, r.VariantId)).Select(g => (Key: g.Key, Quantity: g.Sum(r => (long)r.Quantity)))
                    .OrderBy(w => LockKey(w.Key)).ToArray();
                await c.ExecuteAsync("SELECT pg_advisory_xact_lock(k) FROM unnest(@keys::bigint[]) WITH ORDINALITY AS u(k, n) ORDER BY n",
                    ("keys", wanted.Select(w => LockKey(w.Key)).ToArray())).ConfigureAwait(false);
                var reserved = await c.ListAsync("""
                    SELECT (SELECT COALESCE(SUM(r.quantity), 0) FROM [[inventory_reservations]] r
                             WHERE r.tenant_id = @t AND r.product_id = k.p AND r.variant_id IS NOT DISTINCT FROM k.v
                               AND r.status = 'active' AND r.expires_at > @now)
                      FROM unnest(@products::text[], @variants::text[]) WITH ORDINALITY AS k(p, v, n)
                     ORDER BY k.n
                    """, r => r.GetInt64(0), ("t", TenantId), ("now", now),
                    ("products", wanted.Select(w => w.Key.ProductId).ToArray()),
                    ("variants", wanted.Select(w => w.Key.VariantId).ToArray())).ConfigureAwait(false);
                for (var i = 0; i < wanted.Length; i++)
                {
                    var available = stock[wanted[i].Key];
                    if (reserved[i] + wanted[i].Quantity > available)
                        throw new StorageLimitReachedException(
                            $"not enough stock for {Describe(wanted[i].Key)}: {available} available, {reserved[i]} reserved, {wanted[i].Quantity} requested.");
                }
            }
            await c.ExecuteAsync("""
                INSERT INTO [[inventory_reservations]] (id, tenant_id, product_id, variant_id, quantity, expires_at, cart_id, status, created_at, status_updated_at)
                SELECT u.id, @t, u.product_id, u.variant_id, u.quantity, u.expires_at, u.cart_id, 'active', u.created_at, NULL
                  FROM unnest(@ids::text[], @products::text[], @variants::text[], @quantities::int[], @expires::timestamptz[],
                              @carts::text[], @created::timestamptz[])
                       AS u(id, product_id, variant_id, quantity, expires_at, cart_id, created_at)
                """, ("t", TenantId),
                ("ids", items.Select(r => r.Id).ToArray()),
                ("products", items.Select(r => r.ProductId).ToArray()),
                ("variants", items.Select(r => r.VariantId).ToArray()),
                ("quantities", items.Select(r => r.Quantity).ToArray()),
                ("expires", items.Select(r => r.ExpiresAt).ToArray()),
                ("carts", items.Select(r => r.CartId).ToArray()),
                ("created", items.Select(r => r.CreatedAt).ToArray())).ConfigureAwait(false);
        }, cancellationToken, atomic: stock is not null || items.Length > 1);

    /// <summary>A stable 64-bit advisory lock key for one stock counter of this tenant and table.</summary>
    private long LockKey(StockKey key)
    {
        var text = $"{Context.Tables.InventoryReservations}\u001f{TenantId}\u001f{key.ProductId}\u001f{key.VariantId ?? "\u001e"}";
        return BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0);
    }

    private static void CheckStock(int availableStock, StockKey key)
    {
        if (availableStock < 0)
            throw new StorageValidationException($"available stock for {Describe(key)} must not be negative.", "availableStock");
    }

    private static string Describe(StockKey key) =>
        key.VariantId is null ? $"product '{key.ProductId}'" : $"product '{key.ProductId}' variant '{key.VariantId}'";
}
