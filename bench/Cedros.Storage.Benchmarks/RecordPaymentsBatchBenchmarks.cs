using System.Globalization;
using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using NpgsqlTypes;

namespace Cedros.Storage.Benchmarks;

/// <summary>
/// A batch of 1,000 new payments per operation. Baseline: PostgreSQL one <c>INSERT … SELECT FROM unnest(arrays)
/// ON CONFLICT DO NOTHING</c>; SQLite one transaction re-executing one prepared <c>INSERT … ON CONFLICT DO NOTHING</c>
/// per row, SQLite's idiomatic bulk insert (a single 1,000-row VALUES statement was far slower, see the comment in
/// <see cref="RawBatch"/>). The storage's batch is all-or-nothing (any replayed signature rolls it back and is reported), validates
/// every item and checks the archive; on SQLite it runs one prepared single-row insert per item inside one transaction.
/// </summary>
public class RecordPaymentsBatchBenchmarks : BackendBenchmark
{
    public const int BatchSize = 1_000;
    private long _next;

    public static IEnumerable<BackendKind> Backends() => BenchEnv.Backends(BackendKind.Postgres, BackendKind.SqliteFull, BackendKind.SqliteNormal);

    [ParamsSource(nameof(Backends))]
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
            // SQLite's fastest raw bulk insert: one transaction, one prepared statement re-bound per row. (A single
            // 1,000-row VALUES statement with 8,000 named parameters measured ~15x slower: Microsoft.Data.Sqlite binds
            // each name with sqlite3_bind_parameter_index, a linear search, so binding is quadratic.)
            var created = Raw.Micros(now);
            using var tx = Lite.BeginTransaction();
            using var command = LiteCommand(SqliteInsert);
            command.Transaction = tx;
            var signature = command.Parameters.Add("@signature", SqliteType.Text);
            command.Parameters.AddWithValue("@tenant", Tenant);
            command.Parameters.AddWithValue("@resource", "product-1");
            command.Parameters.AddWithValue("@wallet", Samples.Wallet);
            command.Parameters.AddWithValue("@amount", 1_000_000L);
            command.Parameters.AddWithValue("@asset", "USDC");
            command.Parameters.AddWithValue("@created", created);
            command.Parameters.AddWithValue("@metadata", Samples.PaymentMetadataJson);
            command.Prepare();
            for (var i = 0; i < BatchSize; i++)
            {
                signature.Value = signatures[i];
                command.ExecuteNonQuery();
            }
            tx.Commit();
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

    private static readonly string SqliteInsert = $"""
        INSERT INTO {BenchEnv.Payments} (signature, tenant_id, resource_id, wallet, amount, amount_asset, created_at, metadata)
        VALUES (@signature, @tenant, @resource, @wallet, @amount, @asset, @created, @metadata)
        ON CONFLICT (signature) DO NOTHING
        """;
}
