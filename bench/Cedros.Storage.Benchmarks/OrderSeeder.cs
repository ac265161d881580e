using Npgsql;

namespace Cedros.Storage.Benchmarks;

/// <summary>Fills the search table up to N orders through the storage (idempotent: existing orders are kept).</summary>
public static class OrderSeeder
{
    private const int Chunk = 2_000;

    public static async Task EnsureAsync(ITenantStorage store, int orders, NpgsqlConnection? postgres)
    {
        var existing = (await store.ListOrdersFilteredAsync(null, null, null, null, 0, 0)).Total;
        if (existing >= orders) return;
        Console.WriteLine($"// seeding {orders - existing:N0} orders (once; kept for later runs)");
        var start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (var from = (int)existing; from < orders; from += Chunk)
        {
            var to = Math.Min(orders, from + Chunk);
            await store.InTransactionAsync(async (tx, ct) =>
            {
                for (var i = from; i < to; i++) await tx.TryStoreOrderAsync(Samples.Order(i, start.AddSeconds(i)), ct);
            });
        }
        if (postgres is not null)
        {
            await using var analyze = new NpgsqlCommand("VACUUM ANALYZE orders", postgres);
            analyze.CommandTimeout = 0;
            await analyze.ExecuteNonQueryAsync();
        }
    }
}
