using System.Text.Json;
using NpgsqlTypes;

namespace Cedros.Storage.Benchmarks.Ops;

/// <summary><c>RecordPaymentAsync</c> of a new signature vs the archive-checked insert by hand.</summary>
public sealed class RecordPaymentCase(OpsBackend backend) : OpsCase(backend)
{
    private static readonly string Table = OpsBackend.Tables.Payments;

    public override string Name => "record payment";

    public override Task StorageAsync(int worker, long i) => Store.RecordPaymentAsync(Samples.Payment(Key("s", i)));

    public override async Task RawAsync(int worker, long i)
    {
        var signature = Key("r", i);
        var now = Raw.Now();
        // The payment's metadata arrives as a map, as the storage's does: turning it into JSON is part of the work.
        var metadata = JsonSerializer.Serialize(Samples.PaymentMetadata);
        if (Pg)
        {
            var rows = await Backend.PgExecuteAsync($"""
                INSERT INTO {Table} (signature, tenant_id, resource_id, wallet, amount, amount_asset, created_at, metadata)
                SELECT $1, $2, $3, $4, $5, $6, $7, $8
                 WHERE NOT EXISTS (SELECT 1 FROM {Table}_archive WHERE signature = $1)
                ON CONFLICT (signature) DO NOTHING
                """, p =>
            {
                p.Add(new() { Value = signature });
                p.Add(new() { Value = BenchEnv.Tenant });
                p.Add(new() { Value = "product-1" });
                p.Add(new() { Value = Samples.Wallet });
                p.Add(new() { Value = 1_000_000L });
                p.Add(new() { Value = "USDC" });
                p.Add(new() { Value = now });
                p.Add(new() { Value = metadata, NpgsqlDbType = NpgsqlDbType.Jsonb });
            });
            Expect(rows == 1, "raw payment not inserted");
            return;
        }
        var command = Backend.Lite(worker, $"""
            INSERT INTO {Table} (signature, tenant_id, resource_id, wallet, amount, amount_asset, created_at, metadata)
            SELECT @s, @t, @r, @w, @a, @as, @c, @m
             WHERE NOT EXISTS (SELECT 1 FROM {Table}_archive WHERE signature = @s)
            ON CONFLICT (signature) DO NOTHING
            """, "@s", "@t", "@r", "@w", "@a", "@as", "@c", "@m");
        var rowsLite = await Backend.LiteWriteAsync(() =>
        {
            command.Parameters[0].Value = signature;
            command.Parameters[1].Value = BenchEnv.Tenant;
            command.Parameters[2].Value = "product-1";
            command.Parameters[3].Value = Samples.Wallet;
            command.Parameters[4].Value = 1_000_000L;
            command.Parameters[5].Value = "USDC";
            command.Parameters[6].Value = Raw.Micros(now);
            command.Parameters[7].Value = metadata;
            return command.ExecuteNonQuery();
        });
        Expect(rowsLite == 1, "raw payment not inserted");
    }
}

/// <summary><c>HasPaymentBeenProcessedAsync</c> (the replay check: ledger or archive) of a recorded signature.</summary>
public sealed class ReplayCheckCase(OpsBackend backend) : OpsCase(backend)
{
    private const int Recorded = 1000;
    private static readonly string Table = OpsBackend.Tables.Payments;

    public override string Name => "replay check";

    public override async Task SetupAsync()
    {
        for (var i = 0; i < Recorded; i++) await Store.TryRecordPaymentAsync(Samples.Payment(Sig(i)));
    }

    private static string Sig(long i) => Key("exists", i % Recorded);

    public override async Task StorageAsync(int worker, long i) =>
        Expect(await Store.HasPaymentBeenProcessedAsync(Sig(i)), "not found");

    public override async Task RawAsync(int worker, long i)
    {
        var signature = Sig(i);
        var sql = $"SELECT EXISTS (SELECT 1 FROM {Table} WHERE signature = {(Pg ? "$1" : "@s")}) OR EXISTS (SELECT 1 FROM {Table}_archive WHERE signature = {(Pg ? "$1" : "@s")})";
        if (Pg)
        {
            var found = await Backend.PgAsync(sql, p => p.Add(new() { Value = signature }), async c => (bool)(await c.ExecuteScalarAsync())!);
            Expect(found, "not found");
            return;
        }
        var command = Backend.Lite(worker, sql, "@s");
        command.Parameters[0].Value = signature;
        Expect((long)command.ExecuteScalar()! == 1, "not found");
    }
}
