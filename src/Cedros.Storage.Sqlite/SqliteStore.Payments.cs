using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Schema.Rows;
using static Cedros.Storage.Sqlite.SqliteRow;

namespace Cedros.Storage.Sqlite;

internal sealed partial class SqliteStore : IPaymentDriver
{
    /// <summary>
    /// Inserts unless the signature is in the hot table (ON CONFLICT on the global primary key) or in the archive.
    /// One statement inside the write transaction: the archive check and the insert cannot be separated by another writer.
    /// A signature this tenant recorded before under the same attempt id counts as recorded (the upsert's guarded update
    /// re-sets the attempt id to itself, so the statement reports one change).
    /// </summary>
    private string InsertPaymentSql => Sql(Tables.PaymentsArchive is not null ? InsertPaymentUnlessArchived : InsertPayment);

    private static readonly string InsertPaymentUnlessArchived = $"""
        INSERT INTO [[payments]] ({PaymentRow.ColumnsWithAttempt})
        SELECT {PaymentRow.Values}
        WHERE NOT EXISTS (SELECT 1 FROM [[payments_archive]] WHERE signature = @signature)
        {OwnAttempt}
        """;

    private static readonly string InsertPayment = $"INSERT INTO [[payments]] ({PaymentRow.ColumnsWithAttempt}) SELECT {PaymentRow.Values} WHERE 1 {OwnAttempt}";

    private const string OwnAttempt = """
        ON CONFLICT (signature) DO UPDATE SET attempt_id = excluded.attempt_id
        WHERE attempt_id = excluded.attempt_id AND tenant_id = excluded.tenant_id
        """;

    public Task<bool> InsertPaymentAsync(PaymentTransaction payment, CancellationToken cancellationToken) =>
        WriteAsync(s => s.Execute(InsertPaymentSql, PaymentRow.Args(payment, TenantId, Codec)) == 1, cancellationToken);

    /// <summary>Every insert in one write transaction (or savepoint); any signature not inserted rolls all of them back.</summary>
    public Task<PaymentBatchInsert> InsertPaymentBatchAsync(IReadOnlyList<PaymentTransaction> payments, CancellationToken cancellationToken) =>
        Undo.CatchAsync(() => WriteAsync(s =>
        {
            var changes = s.ForEach(InsertPaymentSql, payments, p => PaymentRow.Args(p, TenantId, Codec));
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
              SELECT {PaymentRow.Columns}, attempt_id FROM [[payments]] WHERE signature = @signature AND tenant_id = @tenant
              UNION ALL SELECT {PaymentRow.Columns}, NULL FROM [[payments_archive]] WHERE signature = @signature AND tenant_id = @tenant
              """
            : $"SELECT {PaymentRow.Columns}, attempt_id FROM [[payments]] WHERE signature = @signature AND tenant_id = @tenant"),
            Codec.Rows.Payment, ("@signature", signature), Tenant), cancellationToken);

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
                    INSERT INTO [[payments_archive]] ({PaymentRow.Columns}, archived_at)
                    SELECT {PaymentRow.Columns}, @now FROM [[payments]] WHERE signature IN (SELECT value FROM json_each(@ids))
                    ON CONFLICT (signature) DO NOTHING
                    """), ("@ids", ids), ("@now", now));
            return s.Execute(Sql("DELETE FROM [[payments]] WHERE signature IN (SELECT value FROM json_each(@ids))"), ("@ids", ids));
        }, cancellationToken);
}
