using BenchmarkDotNet.Attributes;

namespace Cedros.Storage.Benchmarks;

/// <summary>
/// The admin order search: a case-insensitive substring over id, purchase id, resource id, customer and e-mail, first
/// page of 20 newest plus the total count, on a table of <c>CEDROS_BENCH_ORDERS</c> orders (default 100,000; seeded once
/// through the storage and kept between runs — PostgreSQL in database <c>cedros_bench_orders_N</c>, SQLite in
/// <c>orders-N-*.db</c>). Two terms: <c>buyer4242@</c> matches one order, <c>product-7</c> about 2.2% of them.
/// Baseline: the same two statements by hand (PostgreSQL <c>ILIKE</c>, served by the pg_trgm GIN index; SQLite
/// <c>LIKE</c>, a scan — the storage's ASCII terms of 3+ characters are counted by its FTS5 trigram index, see
/// <c>Search/SearchRunner</c> for 10k/100k/1M), reading
/// the columns as raw values. The storage additionally escapes the pattern and maps rows to <see cref="Order"/>
/// (items, shipping and metadata JSON deserialised).
/// </summary>
public class OrderSearchBenchmarks : BackendBenchmark
{
    private const int PageSize = 20;
    private const string Columns = "id, tenant_id, source, purchase_id, resource_id, user_id, customer, status, items, amount, amount_asset, " +
        "customer_email, shipping, metadata, created_at, updated_at, status_updated_at";

    public static IEnumerable<BackendKind> Backends() => BenchEnv.Backends(BackendKind.Postgres, BackendKind.SqliteFull);

    [ParamsSource(nameof(Backends))]
    public override BackendKind Backend { get; set; }

    [Params("buyer4242@", "product-7")]
    public string Search { get; set; } = "";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var orders = BenchEnv.Orders;
        await OpenInAsync($"{BenchEnv.Database}_orders_{orders}", $"orders-{orders}", fresh: false);
        await OrderSeeder.EnsureAsync(Store, orders, IsPostgres ? Pg : null);
    }

    [Benchmark(Baseline = true, Description = "raw count + page (ILIKE/LIKE)")]
    public async Task<long> RawSearch()
    {
        var pattern = "%" + Search + "%";
        long total = 0;
        if (IsPostgres)
        {
            const string where = "tenant_id = @tenant AND (id ILIKE @p OR purchase_id ILIKE @p OR resource_id ILIKE @p OR customer ILIKE @p OR customer_email ILIKE @p)";
            await using var batch = new Npgsql.NpgsqlBatch(Pg);
            var count = new Npgsql.NpgsqlBatchCommand($"SELECT count(*) FROM orders WHERE {where}");
            var page = new Npgsql.NpgsqlBatchCommand($"SELECT {Columns} FROM orders WHERE {where} ORDER BY created_at DESC, id DESC LIMIT {PageSize}");
            foreach (var command in new[] { count, page })
            {
                command.Parameters.AddWithValue("tenant", Tenant);
                command.Parameters.AddWithValue("p", pattern);
                batch.BatchCommands.Add(command);
            }
            await using var reader = await batch.ExecuteReaderAsync();
            await reader.ReadAsync();
            total = reader.GetInt64(0);
            await reader.NextResultAsync();
            var values = new object[reader.FieldCount];
            while (await reader.ReadAsync()) reader.GetValues(values);
            return total;
        }
        const string liteWhere = "tenant_id = @tenant AND (id LIKE @p OR purchase_id LIKE @p OR resource_id LIKE @p OR customer LIKE @p OR customer_email LIKE @p)";
        using (var count = LiteCommand($"SELECT count(*) FROM orders WHERE {liteWhere}"))
        {
            count.Parameters.AddWithValue("@tenant", Tenant);
            count.Parameters.AddWithValue("@p", pattern);
            total = (long)count.ExecuteScalar()!;
        }
        using (var page = LiteCommand($"SELECT {Columns} FROM orders WHERE {liteWhere} ORDER BY created_at DESC, id DESC LIMIT {PageSize}"))
        {
            page.Parameters.AddWithValue("@tenant", Tenant);
            page.Parameters.AddWithValue("@p", pattern);
            using var reader = page.ExecuteReader();
            var values = new object[reader.FieldCount];
            while (reader.Read()) reader.GetValues(values);
        }
        return total;
    }

    [Benchmark(Description = "ListOrdersFilteredAsync(search)")]
    public async Task<long> StorageSearch() =>
        (await Store.ListOrdersFilteredAsync(null, Search, null, null, PageSize, 0)).Total;
}
