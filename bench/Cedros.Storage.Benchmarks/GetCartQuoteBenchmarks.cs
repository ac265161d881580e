using System.Globalization;
using BenchmarkDotNet.Attributes;

namespace Cedros.Storage.Benchmarks;

/// <summary>
/// Reads one cart quote (3 items, 2 metadata keys) by id from a table of 1,000, rotating ids. Baseline: a parameterised
/// <c>SELECT … WHERE tenant_id = @t AND id = @id</c> reading every column as raw values (JSON left as text). The storage
/// additionally validates the id and maps the row to a <see cref="CartQuote"/>, deserialising items and metadata.
/// </summary>
public class GetCartQuoteBenchmarks : BackendBenchmark
{
    private const int Carts = 1_000;
    private int _next;

    public static IEnumerable<BackendKind> Backends() => BenchEnv.Backends(BackendKind.Postgres, BackendKind.SqliteFull);

    [ParamsSource(nameof(Backends))]
    public override BackendKind Backend { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        await OpenAsync("carts", fresh: true, "cart_quotes");
        var now = Raw.Now();
        var quotes = Enumerable.Range(0, Carts).Select(i => Samples.Cart(Id(i), now)).ToArray();
        await Store.SaveCartQuotesAsync(quotes);
    }

    private static string Id(int i) => "cart-" + i.ToString("D6", CultureInfo.InvariantCulture);

    private string NextId() => Id(Interlocked.Increment(ref _next) % Carts);

    [Benchmark(Baseline = true, Description = "raw SELECT by primary key")]
    public async Task<long> RawSelect()
    {
        const string sql = """
            SELECT id, tenant_id, items, total_amount, total_asset, metadata, created_at, expires_at, wallet_paid_by
              FROM cart_quotes WHERE tenant_id = @tenant AND id = @id
            """;
        long total = 0;
        if (IsPostgres)
        {
            await using var command = PgCommand(sql);
            command.Parameters.AddWithValue("tenant", Tenant);
            command.Parameters.AddWithValue("id", NextId());
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                _ = reader.GetString(0); _ = reader.GetString(1); _ = reader.GetString(2);
                total = reader.GetInt64(3);
                _ = reader.GetString(4); _ = reader.GetString(5);
                _ = reader.GetDateTime(6); _ = reader.GetDateTime(7);
                _ = reader.IsDBNull(8) ? null : reader.GetString(8);
            }
        }
        else
        {
            using var command = LiteCommand(sql);
            command.Parameters.AddWithValue("@tenant", Tenant);
            command.Parameters.AddWithValue("@id", NextId());
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                _ = reader.GetString(0); _ = reader.GetString(1); _ = reader.GetString(2);
                total = reader.GetInt64(3);
                _ = reader.GetString(4); _ = reader.GetString(5);
                _ = reader.GetInt64(6); _ = reader.GetInt64(7);
                _ = reader.IsDBNull(8) ? null : reader.GetString(8);
            }
        }
        return total;
    }

    [Benchmark(Description = "GetCartQuoteAsync")]
    public async Task<long> GetCartQuote() => (await Store.GetCartQuoteAsync(NextId()))!.TotalAmount;
}
