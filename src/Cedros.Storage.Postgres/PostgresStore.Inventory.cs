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
        return ReserveCoreAsync([prepared], demands: null, cancellationToken);
    }

    public Task ReserveInventoryAsync(InventoryReservation reservation, int availableStock, CancellationToken cancellationToken)
    {
        var prepared = PrepareReservations.One(TenantId, reservation, availableStock, Now, out var demand);
        return ReserveCoreAsync([prepared], [demand], cancellationToken);
    }

    public Task ReserveInventoryAsync(IReadOnlyList<InventoryReservation> reservations, IReadOnlyDictionary<StockKey, int> availableStock,
        CancellationToken cancellationToken)
    {
        var prepared = PrepareReservations.Batch(TenantId, reservations, availableStock, Now, out var demands);
        return prepared.Length == 0 ? Task.CompletedTask : ReserveCoreAsync(prepared, demands, cancellationToken);
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
    /// Inserts prepared reservations in one statement. With <paramref name="demands"/>, first takes a transaction-scoped
    /// advisory lock per (tenant, product, variant) — in a fixed order, so two carts never deadlock — then checks the
    /// active, unexpired total of each key against its stock; all or nothing.
    /// </summary>
    private Task ReserveCoreAsync(InventoryReservation[] items, StockDemand[]? demands, CancellationToken cancellationToken) =>
        RunAsync(async c =>
        {
            var now = Now;
            if (demands is not null)
            {
                var wanted = demands.OrderBy(w => LockKey(w.Key)).ToArray();
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
                for (var i = 0; i < wanted.Length; i++) PrepareReservations.EnsureFits(wanted[i], reserved[i]);
            }
            var inserted = await c.ListAsync("""
                INSERT INTO [[inventory_reservations]] (id, tenant_id, product_id, variant_id, quantity, expires_at, cart_id, status, created_at, status_updated_at)
                SELECT u.id, @t, u.product_id, u.variant_id, u.quantity, u.expires_at, u.cart_id, 'active', u.created_at, NULL
                  FROM unnest(@ids::text[], @products::text[], @variants::text[], @quantities::int[], @expires::timestamptz[],
                              @carts::text[], @created::timestamptz[])
                       AS u(id, product_id, variant_id, quantity, expires_at, cart_id, created_at)
                ON CONFLICT DO NOTHING
                RETURNING id
                """, r => r.GetString(0), ("t", TenantId),
                ("ids", items.Select(r => r.Id).ToArray()),
                ("products", items.Select(r => r.ProductId).ToArray()),
                ("variants", items.Select(r => r.VariantId).ToArray()),
                ("quantities", items.Select(r => r.Quantity).ToArray()),
                ("expires", items.Select(r => r.ExpiresAt).ToArray()),
                ("carts", items.Select(r => r.CartId).ToArray()),
                ("created", items.Select(r => r.CreatedAt).ToArray())).ConfigureAwait(false);
            if (inserted.Count == items.Length) return;
            // A reused id: nothing of a multi-item call stays (the call is atomic); name the first item that was not inserted.
            var fresh = inserted.ToHashSet(StringComparer.Ordinal);
            var duplicate = Array.FindIndex(items, r => !fresh.Contains(r.Id));
            throw Conflicts.AlreadyExists("inventory reservation", items[duplicate].Id, items.Length > 1 ? duplicate : null);
        }, cancellationToken, atomic: demands is not null || items.Length > 1);

    /// <summary>A stable 64-bit advisory lock key for one stock counter of this tenant and table.</summary>
    private long LockKey(StockKey key)
    {
        var text = $"{Context.Tables.InventoryReservations}\u001f{TenantId}\u001f{key.ProductId}\u001f{key.VariantId ?? "\u001e"}";
        return BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0);
    }
}
