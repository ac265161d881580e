using Cedros.Storage.FrontDoor.Drivers;
using Microsoft.Data.Sqlite;
using static Cedros.Storage.Sqlite.SqliteRow;

namespace Cedros.Storage.Sqlite;

internal sealed partial class SqliteStore : IPaymentDriver
{
    private const string PaymentColumns = "signature, tenant_id, resource_id, wallet, amount, amount_asset, created_at, metadata";

    private static PaymentTransaction ReadPayment(SqliteDataReader r) => new()
    {
        Signature = r.Str(0),
        TenantId = r.Str(1),
        ResourceId = r.Str(2),
        Wallet = r.Str(3),
        Amount = r.Long(4),
        AmountAsset = r.Str(5),
        CreatedAt = r.Time(6),
        Metadata = r.Metadata(7),
    };

    /// <summary>
    /// Inserts unless the signature is in the hot table (ON CONFLICT on the global primary key) or in the archive.
    /// One statement inside the write transaction: the archive check and the insert cannot be separated by another writer.
    /// </summary>
    private string InsertPaymentSql => Sql(Tables.PaymentsArchive is not null
        ? $"""
          INSERT INTO [[payments]] ({PaymentColumns})
          SELECT @signature, @tenant, @resource_id, @wallet, @amount, @amount_asset, @created_at, @metadata
          WHERE NOT EXISTS (SELECT 1 FROM [[payments_archive]] WHERE signature = @signature)
          ON CONFLICT (signature) DO NOTHING
          """
        : $"""
          INSERT INTO [[payments]] ({PaymentColumns})
          SELECT @signature, @tenant, @resource_id, @wallet, @amount, @amount_asset, @created_at, @metadata
          WHERE 1
          ON CONFLICT (signature) DO NOTHING
          """);

    private (string, object?)[] PaymentArgs(PaymentTransaction tx) =>
    [
        ("@signature", tx.Signature), Tenant, ("@resource_id", tx.ResourceId), ("@wallet", tx.Wallet), ("@amount", tx.Amount),
        ("@amount_asset", tx.AmountAsset), ("@created_at", tx.CreatedAt), ("@metadata", Json(tx.Metadata)),
    ];

    public Task<bool> InsertPaymentAsync(PaymentTransaction payment, CancellationToken cancellationToken) =>
        WriteAsync(s => s.Execute(InsertPaymentSql, PaymentArgs(payment)) == 1, cancellationToken);

    /// <summary>Every insert in one write transaction (or savepoint); any signature not inserted rolls all of them back.</summary>
    public Task<PaymentBatchInsert> InsertPaymentBatchAsync(IReadOnlyList<PaymentTransaction> payments, CancellationToken cancellationToken) =>
        Undo.CatchAsync(() => WriteAsync(s =>
        {
            var changes = s.ForEach(InsertPaymentSql, payments, PaymentArgs);
            var recorded = payments.Where((_, i) => changes[i] == 0).Select(p => p.Signature).ToArray();
            if (recorded.Length > 0) throw new Undo<PaymentBatchInsert>(new(false, recorded));
            return PaymentBatchInsert.Done;
        }, cancellationToken));

    public Task<bool> PaymentExistsAsync(string signature, CancellationToken cancellationToken) =>
        ReadAsync(s => s.Exists(Sql(Tables.PaymentsArchive is not null
            ? "SELECT 1 FROM [[payments]] WHERE signature = @signature UNION ALL SELECT 1 FROM [[payments_archive]] WHERE signature = @signature"
            : "SELECT 1 FROM [[payments]] WHERE signature = @signature"), ("@signature", signature)), cancellationToken);

    public Task<PaymentTransaction?> FindPaymentAsync(string signature, CancellationToken cancellationToken) =>
        ReadAsync(s => s.One(Sql(Tables.PaymentsArchive is not null
            ? $"""
              SELECT {PaymentColumns} FROM [[payments]] WHERE signature = @signature AND tenant_id = @tenant
              UNION ALL SELECT {PaymentColumns} FROM [[payments_archive]] WHERE signature = @signature AND tenant_id = @tenant
              """
            : $"SELECT {PaymentColumns} FROM [[payments]] WHERE signature = @signature AND tenant_id = @tenant"),
            ReadPayment, ("@signature", signature), Tenant), cancellationToken);

    /// <summary>One bounded batch in one write transaction: copy (if archiving), then delete exactly the rows copied.</summary>
    public Task<int> ArchivePaymentBatchAsync(DateTimeOffset cutoff, DateTimeOffset now, int batchSize, CancellationToken cancellationToken) =>
        WriteAsync(s =>
        {
            var batch = s.List(Sql("SELECT signature FROM [[payments]] WHERE created_at < @cutoff ORDER BY created_at LIMIT @batch"),
                r => r.GetString(0), ("@cutoff", cutoff), ("@batch", batchSize));
            if (batch.Count == 0) return 0;
            var ids = Json(batch);
            if (Tables.PaymentsArchive is not null)
                s.Execute(Sql($"""
                    INSERT INTO [[payments_archive]] ({PaymentColumns}, archived_at)
                    SELECT {PaymentColumns}, @now FROM [[payments]] WHERE signature IN (SELECT value FROM json_each(@ids))
                    ON CONFLICT (signature) DO NOTHING
                    """), ("@ids", ids), ("@now", now));
            return s.Execute(Sql("DELETE FROM [[payments]] WHERE signature IN (SELECT value FROM json_each(@ids))"), ("@ids", ids));
        }, cancellationToken);
}
