using BenchmarkDotNet.Attributes;
using NpgsqlTypes;

namespace Cedros.Storage.Benchmarks;

/// <summary>
/// One payment recorded per operation (a new signature each time). Baseline: one parameterised
/// <c>INSERT … ON CONFLICT (signature) DO NOTHING</c> in autocommit. The storage additionally validates and normalises
/// the record, checks the archive table in the same statement, serialises metadata, and (SQLite) runs the write as a
/// <c>BEGIN IMMEDIATE</c> transaction on a pooled connection behind the in-process writer gate.
/// </summary>
public class RecordPaymentBenchmarks : BackendBenchmark
{
    private long _next;

    [ParamsAllValues]
    public override BackendKind Backend { get; set; }

    [GlobalSetup]
    public Task SetupAsync() => OpenAsync("payments", fresh: true, BenchEnv.Payments, BenchEnv.Payments + "_archive");

    [Benchmark(Baseline = true, Description = "raw INSERT ON CONFLICT")]
    public async Task RawInsert()
    {
        var signature = $"raw-{Interlocked.Increment(ref _next)}";
        var now = Raw.Now();
        if (IsPostgres)
        {
            await using var command = PgCommand($"""
                INSERT INTO {BenchEnv.Payments} (signature, tenant_id, resource_id, wallet, amount, amount_asset, created_at, metadata)
                VALUES (@signature, @tenant, @resource, @wallet, @amount, @asset, @created, @metadata)
                ON CONFLICT (signature) DO NOTHING
                """);
            command.Parameters.AddWithValue("signature", signature);
            command.Parameters.AddWithValue("tenant", Tenant);
            command.Parameters.AddWithValue("resource", "product-1");
            command.Parameters.AddWithValue("wallet", Samples.Wallet);
            command.Parameters.AddWithValue("amount", 1_000_000L);
            command.Parameters.AddWithValue("asset", "USDC");
            command.Parameters.AddWithValue("created", now);
            command.Parameters.AddWithValue("metadata", NpgsqlDbType.Jsonb, Samples.PaymentMetadataJson);
            await command.ExecuteNonQueryAsync();
        }
        else
        {
            using var command = LiteCommand($"""
                INSERT INTO {BenchEnv.Payments} (signature, tenant_id, resource_id, wallet, amount, amount_asset, created_at, metadata)
                VALUES (@signature, @tenant, @resource, @wallet, @amount, @asset, @created, @metadata)
                ON CONFLICT (signature) DO NOTHING
                """);
            command.Parameters.AddWithValue("@signature", signature);
            command.Parameters.AddWithValue("@tenant", Tenant);
            command.Parameters.AddWithValue("@resource", "product-1");
            command.Parameters.AddWithValue("@wallet", Samples.Wallet);
            command.Parameters.AddWithValue("@amount", 1_000_000L);
            command.Parameters.AddWithValue("@asset", "USDC");
            command.Parameters.AddWithValue("@created", Raw.Micros(now));
            command.Parameters.AddWithValue("@metadata", Samples.PaymentMetadataJson);
            command.ExecuteNonQuery();
        }
    }

    [Benchmark(Description = "RecordPaymentAsync")]
    public Task RecordPayment() =>
        Store.RecordPaymentAsync(Samples.Payment($"storage-{Interlocked.Increment(ref _next)}"));
}
