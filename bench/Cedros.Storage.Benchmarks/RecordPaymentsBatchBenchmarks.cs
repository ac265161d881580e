using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using NpgsqlTypes;

namespace Cedros.Storage.Benchmarks;

/// <summary>
/// A batch of 1,000 new payments per operation. Baseline: PostgreSQL one <c>INSERT … SELECT FROM unnest(arrays)
/// ON CONFLICT DO NOTHING</c>; SQLite one multi-row <c>INSERT … VALUES (…), (…) ON CONFLICT DO NOTHING</c> (8,000
/// parameters). The storage's batch is all-or-nothing (any replayed signature rolls it back and is reported), validates
/// every item and checks the archive; on SQLite it runs one prepared single-row insert per item inside one transaction.
/// </summary>
public class RecordPaymentsBatchBenchmarks : BackendBenchmark
{
    public const int BatchSize = 1_000;
    private static readonly string SqliteValues = BuildSqliteValues();
    private long _next;

    [ParamsAllValues]
    public override BackendKind Backend { get; set; }

    [GlobalSetup]
    public Task SetupAsync() => OpenAsync("payments-batch", fresh: true, BenchEnv.Payments, BenchEnv.Payments + "_archive");

    [Benchmark(Baseline = true, Description = "raw multi-row/unnest INSERT")]
    public async Task RawBatch()
    {
        var batch = Interlocked.Increment(ref _next);
        var signatures = new string[BatchSize];
        for (var i = 0; i < BatchSize; i++) signatures[i] = string.Create(CultureInfo.InvariantCulture, $"raw-{batch}-{i}");
        var now = Raw.Now();
        if (IsPostgres)
        {
            await using var command = PgCommand($"""
                INSERT INTO {BenchEnv.Payments} (signature, tenant_id, resource_id, wallet, amount, amount_asset, created_at, metadata)
                SELECT u.signature, @tenant, 'product-1', @wallet, 1000000, 'USDC', @created, @metadata
                  FROM unnest(@signatures) AS u(signature)
                ON CONFLICT (signature) DO NOTHING
                """);
            command.Parameters.AddWithValue("tenant", Tenant);
            command.Parameters.AddWithValue("wallet", Samples.Wallet);
            command.Parameters.AddWithValue("created", now);
            command.Parameters.AddWithValue("metadata", NpgsqlDbType.Jsonb, Samples.PaymentMetadataJson);
            command.Parameters.AddWithValue("signatures", signatures);
            await command.ExecuteNonQueryAsync();
        }
        else
        {
            using var command = LiteCommand(SqliteValues);
            var created = Raw.Micros(now);
            for (var i = 0; i < BatchSize; i++)
            {
                var p = i.ToString(CultureInfo.InvariantCulture);
                command.Parameters.AddWithValue("@s" + p, signatures[i]);
                command.Parameters.AddWithValue("@t" + p, Tenant);
                command.Parameters.AddWithValue("@r" + p, "product-1");
                command.Parameters.AddWithValue("@w" + p, Samples.Wallet);
                command.Parameters.AddWithValue("@a" + p, 1_000_000L);
                command.Parameters.AddWithValue("@x" + p, "USDC");
                command.Parameters.AddWithValue("@c" + p, created);
                command.Parameters.AddWithValue("@m" + p, Samples.PaymentMetadataJson);
            }
            command.ExecuteNonQuery();
        }
    }

    [Benchmark(Description = "RecordPaymentsAsync")]
    public Task RecordPayments()
    {
        var batch = Interlocked.Increment(ref _next);
        var payments = new PaymentTransaction[BatchSize];
        for (var i = 0; i < BatchSize; i++) payments[i] = Samples.Payment(string.Create(CultureInfo.InvariantCulture, $"storage-{batch}-{i}"));
        return Store.RecordPaymentsAsync(payments);
    }

    private static string BuildSqliteValues()
    {
        var sql = new StringBuilder($"INSERT INTO {BenchEnv.Payments} (signature, tenant_id, resource_id, wallet, amount, amount_asset, created_at, metadata) VALUES ");
        for (var i = 0; i < BatchSize; i++)
        {
            if (i > 0) sql.Append(',');
            sql.Append(CultureInfo.InvariantCulture, $"(@s{i},@t{i},@r{i},@w{i},@a{i},@x{i},@c{i},@m{i})");
        }
        return sql.Append(" ON CONFLICT (signature) DO NOTHING").ToString();
    }
}
