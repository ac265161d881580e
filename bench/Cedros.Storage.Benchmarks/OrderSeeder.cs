using Npgsql;

namespace Cedros.Storage.Benchmarks;

/// <summary>
/// Fills the search table up to N orders (idempotent: existing orders are kept). SQLite: every order through the
/// storage, in transactions of 2,000. PostgreSQL: the first 2,000 through the storage, the rest copied from order 0 by
/// one <c>INSERT … SELECT FROM generate_series</c> per 100,000 with the same searchable shape (id <c>ord-NNNNNNNN</c>,
/// e-mail <c>buyer{i}@example.com</c>, resource <c>product-{i % 500}</c>, hex purchase id and customer — hashed from a
/// different input than <see cref="Samples.Order"/>, equally unique), so a million orders seed in minutes, not an hour.
/// </summary>
public static class OrderSeeder
{
    private const int Chunk = 2_000;
    private const int SqlChunk = 100_000;
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static async Task EnsureAsync(ITenantStorage store, int orders, NpgsqlConnection? postgres)
    {
        var existing = (int)(await store.ListOrdersFilteredAsync(null, null, null, null, 0, 0)).Total;
        if (existing >= orders) return;
        Console.WriteLine($"// seeding {orders - existing:N0} orders (once; kept for later runs)");
        var throughStorage = postgres is null ? orders : Math.Min(orders, Chunk);
        for (var from = existing; from < throughStorage; from += Chunk)
        {
            var to = Math.Min(throughStorage, from + Chunk);
            await store.InTransactionAsync(async (tx, ct) =>
            {
                for (var i = from; i < to; i++) await tx.TryStoreOrderAsync(Samples.Order(i, Start.AddSeconds(i)), ct);
            });
        }
        if (postgres is null) return;
        for (var from = Math.Max(existing, throughStorage); from < orders; from += SqlChunk)
        {
            await using var copy = new NpgsqlCommand("""
                INSERT INTO orders (id, tenant_id, source, purchase_id, resource_id, user_id, customer, status, items, amount,
                                    amount_asset, customer_email, shipping, metadata, created_at, updated_at, status_updated_at)
                SELECT 'ord-' || lpad(g::text, 8, '0'), t.tenant_id, t.source, encode(sha256(convert_to('order-' || g, 'UTF8')), 'hex'),
                       'product-' || (g % 500), t.user_id, 'wallet' || left(encode(sha256(convert_to('customer-' || g, 'UTF8')), 'hex'), 32),
                       t.status, replace(t.items::text, '"product-0"', '"product-' || (g % 500) || '"')::jsonb, t.amount,
                       t.amount_asset, 'buyer' || g || '@example.com', t.shipping, t.metadata,
                       @start + make_interval(secs => g), t.updated_at, t.status_updated_at
                  FROM generate_series(@from, @to - 1) AS g,
                       (SELECT * FROM orders WHERE tenant_id = @tenant AND id = 'ord-00000000') AS t
                ON CONFLICT DO NOTHING
                """, postgres);
            copy.CommandTimeout = 0;
            copy.Parameters.AddWithValue("start", Start);
            copy.Parameters.AddWithValue("from", from);
            copy.Parameters.AddWithValue("to", Math.Min(orders, from + SqlChunk));
            copy.Parameters.AddWithValue("tenant", BenchEnv.Tenant);
            await copy.ExecuteNonQueryAsync();
        }
        await using var analyze = new NpgsqlCommand("VACUUM ANALYZE orders", postgres);
        analyze.CommandTimeout = 0;
        await analyze.ExecuteNonQueryAsync();
    }
}
