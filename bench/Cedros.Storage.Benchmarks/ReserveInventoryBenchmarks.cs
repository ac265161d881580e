using System.Globalization;
using BenchmarkDotNet.Attributes;

namespace Cedros.Storage.Benchmarks;

/// <summary>
/// One reservation of 1 unit against a stock limit (1,000,000, never reached), rotating over 100 products so the
/// counted rows per product grow slowly. Baseline: the same guarded insert written by hand — PostgreSQL: a transaction
/// taking <c>pg_advisory_xact_lock</c> on the product, then <c>INSERT … SELECT … WHERE reserved + qty ≤ stock</c>;
/// SQLite: that conditional insert alone in autocommit (one statement is atomic under SQLite's single writer).
/// The storage also validates, reads back the reserved sum to report LimitReached with the numbers, and (SQLite) runs a
/// <c>BEGIN IMMEDIATE</c> transaction.
/// </summary>
public class ReserveInventoryBenchmarks : BackendBenchmark
{
    private const int Products = 100;
    private const int Stock = 1_000_000;
    private long _next;

    public static IEnumerable<BackendKind> Backends() => BenchEnv.Backends(BackendKind.Postgres, BackendKind.SqliteFull, BackendKind.SqliteNormal);

    [ParamsSource(nameof(Backends))]
    public override BackendKind Backend { get; set; }

    [GlobalSetup]
    public Task SetupAsync() => OpenAsync("inventory", fresh: true, "inventory_reservations");

    [Benchmark(Baseline = true, Description = "raw locked conditional INSERT")]
    public async Task<int> RawReserve()
    {
        var n = Interlocked.Increment(ref _next);
        var id = string.Create(CultureInfo.InvariantCulture, $"raw-{n}");
        var product = string.Create(CultureInfo.InvariantCulture, $"product-{n % Products}");
        var now = Raw.Now();
        if (IsPostgres)
        {
            await using var tx = await Pg.BeginTransactionAsync();
            await using var batch = new Npgsql.NpgsqlBatch(Pg, tx);
            var lockCommand = new Npgsql.NpgsqlBatchCommand("SELECT pg_advisory_xact_lock(hashtextextended(@key, 0))");
            lockCommand.Parameters.AddWithValue("key", $"inventory_reservations\u001f{Tenant}\u001f{product}");
            var insert = new Npgsql.NpgsqlBatchCommand("""
                INSERT INTO inventory_reservations (id, tenant_id, product_id, variant_id, quantity, expires_at, cart_id, status, created_at)
                SELECT @id, @tenant, @product, NULL, 1, @expires, @cart, 'active', @now
                 WHERE (SELECT COALESCE(SUM(quantity), 0) FROM inventory_reservations
                         WHERE tenant_id = @tenant AND product_id = @product AND variant_id IS NULL
                           AND status = 'active' AND expires_at > @now) + 1 <= @stock
                """);
            insert.Parameters.AddWithValue("id", id);
            insert.Parameters.AddWithValue("tenant", Tenant);
            insert.Parameters.AddWithValue("product", product);
            insert.Parameters.AddWithValue("expires", now.AddMinutes(15));
            insert.Parameters.AddWithValue("cart", id);
            insert.Parameters.AddWithValue("now", now);
            insert.Parameters.AddWithValue("stock", (long)Stock);
            batch.BatchCommands.Add(lockCommand);
            batch.BatchCommands.Add(insert);
            var inserted = await batch.ExecuteNonQueryAsync();
            await tx.CommitAsync();
            return inserted;
        }
        using var command = LiteCommand("""
            INSERT INTO inventory_reservations (tenant_id, id, product_id, variant_id, quantity, expires_at, cart_id, status, created_at)
            SELECT @tenant, @id, @product, NULL, 1, @expires, @cart, 'active', @now
             WHERE (SELECT coalesce(sum(quantity), 0) FROM inventory_reservations
                     WHERE tenant_id = @tenant AND product_id = @product AND variant_id IS NULL
                       AND status = 'active' AND expires_at > @now) + 1 <= @stock
            """);
        command.Parameters.AddWithValue("@tenant", Tenant);
        command.Parameters.AddWithValue("@id", id);
        command.Parameters.AddWithValue("@product", product);
        command.Parameters.AddWithValue("@expires", Raw.Micros(now.AddMinutes(15)));
        command.Parameters.AddWithValue("@cart", id);
        command.Parameters.AddWithValue("@now", Raw.Micros(now));
        command.Parameters.AddWithValue("@stock", (long)Stock);
        return command.ExecuteNonQuery();
    }

    [Benchmark(Description = "ReserveInventoryAsync(stock)")]
    public async Task<int> Reserve()
    {
        var n = Interlocked.Increment(ref _next);
        var id = string.Create(CultureInfo.InvariantCulture, $"storage-{n}");
        await Store.ReserveInventoryAsync(new InventoryReservation
        {
            Id = id,
            ProductId = string.Create(CultureInfo.InvariantCulture, $"product-{n % Products}"),
            Quantity = 1,
            CartId = id,
            ExpiresAt = Raw.Now().AddMinutes(15),
        }, Stock);
        return 1;
    }
}
