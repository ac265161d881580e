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
        AttemptId = r.StrOrNull(8),
    };

    /// <summary>
    /// Inserts unless the signature is in the hot table (ON CONFLICT on the global primary key) or in the archive.
    /// One statement inside the write transaction: the archive check and the insert cannot be separated by another writer.
    /// A signature this tenant recorded before under the same attempt id counts as recorded (the upsert's guarded update
    /// re-sets the attempt id to itself, so the statement reports one change).
    /// </summary>
    private string InsertPaymentSql => Sql(Tables.PaymentsArchive is not null
        ? $"""
          INSERT INTO [[payments]] ({PaymentColumns}, attempt_id)
          SELECT @signature, @tenant, @resource_id, @wallet, @amount, @amount_asset, @created_at, @metadata, @attempt_id
          WHERE NOT EXISTS (SELECT 1 FROM [[payments_archive]] WHERE signature = @signature)
          {OwnAttempt}
          """
        : $"""
          INSERT INTO [[payments]] ({PaymentColumns}, attempt_id)
          SELECT @signature, @tenant, @resource_id, @wallet, @amount, @amount_asset, @created_at, @metadata, @attempt_id
          WHERE 1
          {OwnAttempt}
          """);

    private const string OwnAttempt = """
        ON CONFLICT (signature) DO UPDATE SET attempt_id = excluded.attempt_id
        WHERE attempt_id = excluded.attempt_id AND tenant_id = excluded.tenant_id
        """;

    private (string, object?)[] PaymentArgs(PaymentTransaction tx) =>
    [
        ("@signature", tx.Signature), Tenant, ("@resource_id", tx.ResourceId), ("@wallet", tx.Wallet), ("@amount", tx.Amount),
        ("@amount_asset", tx.AmountAsset), ("@created_at", tx.CreatedAt), ("@metadata", Json(tx.Metadata)),
        ("@attempt_id", tx.AttemptId),
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
              SELECT {PaymentColumns}, attempt_id FROM [[payments]] WHERE signature = @signature AND tenant_id = @tenant
              UNION ALL SELECT {PaymentColumns}, NULL FROM [[payments_archive]] WHERE signature = @signature AND tenant_id = @tenant
              """
            : $"SELECT {PaymentColumns}, attempt_id FROM [[payments]] WHERE signature = @signature AND tenant_id = @tenant"),
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
