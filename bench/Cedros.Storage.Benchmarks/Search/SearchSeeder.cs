using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Cedros.Storage.Benchmarks.Search;

/// <summary>
/// Fills a search table up to N orders, once (existing orders are kept, so a later run reuses them). The first 2,000
/// go through the storage (<c>TryStoreOrderAsync</c>, so the stored shape is the storage's own); the rest are copied from
/// order 0 inside the database with the same searchable shape — PostgreSQL by <c>INSERT … SELECT FROM generate_series</c>,
/// SQLite by <c>INSERT … SELECT</c> over a recursive counter, through the table itself so the migrations' triggers keep
/// the trigram index in step. Shape of order i: id <c>ord-NNNNNNNN</c>, e-mail <c>buyer{i}@example.com</c>, resource
/// <c>product-{i % 500}</c>, 64-hex purchase id, customer <c>wallet</c> + 32 hex; every 1,000th order (i % 1000 = 0) has
/// customer <c>Jürgen MÜLLER {i}</c> and every 1,000th (i % 1000 = 500) <c>promo 50%_OFF {i}</c>.
/// </summary>
public static class SearchSeeder
{
    private const int ThroughStorage = 2_000;
    private const int SqlChunk = 100_000;
    private static readonly DateTimeOffset Start = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static Order Make(int i)
    {
        var order = Samples.Order(i, Start.AddSeconds(i));
        return (i % 1000) switch
        {
            0 => order with { Customer = "Jürgen MÜLLER " + i.ToString(CultureInfo.InvariantCulture) },
            500 => order with { Customer = "promo 50%_OFF " + i.ToString(CultureInfo.InvariantCulture) },
            _ => order,
        };
    }

    /// <summary>Seeds up to <paramref name="orders"/>; returns the time it took (zero when nothing was missing).</summary>
    public static async Task<TimeSpan> EnsureAsync(ITenantStorage store, int orders, NpgsqlDataSource? postgres, SqliteConnection? sqlite)
    {
        var existing = (int)(await store.ListOrdersFilteredAsync(null, null, null, null, 0, 0)).Total;
        if (existing >= orders) return TimeSpan.Zero;
        Console.Error.WriteLine($"// seeding {orders - existing:N0} orders (once; kept for later runs)");
        var watch = Stopwatch.StartNew();
        var first = Math.Min(orders, ThroughStorage);
        for (var from = existing; from < first; from += 500)
        {
            var to = Math.Min(first, from + 500);
            await store.InTransactionAsync(async (tx, ct) =>
            {
                for (var i = from; i < to; i++) await tx.TryStoreOrderAsync(Make(i), ct);
            });
        }
        for (var from = Math.Max(existing, first); from < orders; from += SqlChunk)
        {
            var to = Math.Min(orders, from + SqlChunk);
            if (postgres is not null) await CopyPostgresAsync(postgres, from, to);
            else CopySqlite(sqlite!, from, to);
        }
        if (postgres is not null)
        {
            await using var connection = await postgres.OpenConnectionAsync();
            await using var analyze = new NpgsqlCommand("VACUUM ANALYZE orders", connection) { CommandTimeout = 0 };
            await analyze.ExecuteNonQueryAsync();
        }
        else
        {
            Raw.Execute(sqlite!, "ANALYZE;");
        }
        return watch.Elapsed;
    }

    private static async Task CopyPostgresAsync(NpgsqlDataSource postgres, int from, int to)
    {
        await using var connection = await postgres.OpenConnectionAsync();
        await using var copy = new NpgsqlCommand("""
            INSERT INTO orders (id, tenant_id, source, purchase_id, resource_id, user_id, customer, status, items, amount,
                                amount_asset, customer_email, shipping, metadata, created_at, updated_at, status_updated_at)
            SELECT 'ord-' || lpad(g::text, 8, '0'), t.tenant_id, t.source, encode(sha256(convert_to('order-' || g, 'UTF8')), 'hex'),
                   'product-' || (g % 500), t.user_id,
                   CASE g % 1000 WHEN 0 THEN 'Jürgen MÜLLER ' || g WHEN 500 THEN 'promo 50%_OFF ' || g
                        ELSE 'wallet' || left(encode(sha256(convert_to('customer-' || g, 'UTF8')), 'hex'), 32) END,
                   t.status, replace(t.items::text, '"product-1"', '"product-' || (g % 500) || '"')::jsonb, t.amount,
                   t.amount_asset, 'buyer' || g || '@example.com', t.shipping, t.metadata,
                   @start + make_interval(secs => g), t.updated_at, t.status_updated_at
              FROM generate_series(@from, @to - 1) AS g,
                   (SELECT * FROM orders WHERE tenant_id = @tenant AND id = 'ord-00000001') AS t
            ON CONFLICT DO NOTHING
            """, connection) { CommandTimeout = 0 };
        copy.Parameters.AddWithValue("start", Start);
        copy.Parameters.AddWithValue("from", from);
        copy.Parameters.AddWithValue("to", to);
        copy.Parameters.AddWithValue("tenant", BenchEnv.Tenant);
        await copy.ExecuteNonQueryAsync();
    }

    private static void CopySqlite(SqliteConnection sqlite, int from, int to)
    {
        using var transaction = sqlite.BeginTransaction();
        using var copy = sqlite.CreateCommand();
        copy.Transaction = transaction;
        copy.CommandText = """
            WITH RECURSIVE g(i) AS (SELECT @from UNION ALL SELECT i + 1 FROM g WHERE i < @to - 1)
            INSERT OR IGNORE INTO orders (id, tenant_id, source, purchase_id, resource_id, user_id, customer, status, items, amount,
                                amount_asset, customer_email, shipping, metadata, created_at, updated_at, status_updated_at)
            SELECT 'ord-' || printf('%08d', g.i), t.tenant_id, t.source, lower(hex(randomblob(32))), 'product-' || (g.i % 500), t.user_id,
                   CASE g.i % 1000 WHEN 0 THEN 'Jürgen MÜLLER ' || g.i WHEN 500 THEN 'promo 50%_OFF ' || g.i
                        ELSE 'wallet' || lower(hex(randomblob(16))) END,
                   t.status, replace(t.items, '"product-1"', '"product-' || (g.i % 500) || '"'), t.amount,
                   t.amount_asset, 'buyer' || g.i || '@example.com', t.shipping, t.metadata,
                   @start + g.i * 1000000, t.updated_at, t.status_updated_at
              FROM g, (SELECT * FROM orders WHERE tenant_id = @tenant AND id = 'ord-00000001') AS t
            """;
        copy.Parameters.AddWithValue("@from", from);
        copy.Parameters.AddWithValue("@to", to);
        copy.Parameters.AddWithValue("@start", Raw.Micros(Start));
        copy.Parameters.AddWithValue("@tenant", BenchEnv.Tenant);
        copy.CommandTimeout = 0;
        copy.ExecuteNonQuery();
        transaction.Commit();
    }
}
