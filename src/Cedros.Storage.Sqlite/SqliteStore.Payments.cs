using Cedros.Storage.Internal;
using Cedros.Storage.Validation;
using Microsoft.Data.Sqlite;
using static Cedros.Storage.Sqlite.SqliteRow;

namespace Cedros.Storage.Sqlite;

internal sealed partial class SqliteStore
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
    private string InsertPaymentSql => $"""
        INSERT INTO {Tables.Payments.Quoted} ({PaymentColumns})
        SELECT @signature, @tenant, @resource_id, @wallet, @amount, @amount_asset, @created_at, @metadata
        {(Tables.PaymentsArchive is { } archive ? $"WHERE NOT EXISTS (SELECT 1 FROM {archive.Quoted} WHERE signature = @signature)" : "WHERE 1")}
        ON CONFLICT (signature) DO NOTHING
        """;

    private (string, object?)[] PaymentArgs(PaymentTransaction tx) =>
    [
        ("@signature", tx.Signature), Tenant, ("@resource_id", tx.ResourceId), ("@wallet", tx.Wallet), ("@amount", tx.Amount),
        ("@amount_asset", tx.AmountAsset), ("@created_at", tx.CreatedAt), ("@metadata", Json(tx.Metadata)),
    ];

    public async Task RecordPaymentAsync(PaymentTransaction transaction, CancellationToken cancellationToken)
    {
        if (!await TryRecordPaymentAsync(transaction, cancellationToken).ConfigureAwait(false))
            throw new PaymentReplayException([transaction.Signature]);
    }

    public Task<bool> TryRecordPaymentAsync(PaymentTransaction transaction, CancellationToken cancellationToken)
    {
        var tx = Prepare.Payment(TenantId, transaction, Now);
        return WriteAsync(s => s.Execute(InsertPaymentSql, PaymentArgs(tx)) == 1, cancellationToken);
    }

    public Task<bool> HasPaymentBeenProcessedAsync(string signature, CancellationToken cancellationToken)
    {
        Check.Id(signature, "signature");
        var archive = Tables.PaymentsArchive is { } a ? $"UNION ALL SELECT 1 FROM {a.Quoted} WHERE signature = @signature" : "";
        return ReadAsync(s => s.Exists($"SELECT 1 FROM {Tables.Payments.Quoted} WHERE signature = @signature {archive}",
            ("@signature", signature)), cancellationToken);
    }

    public Task<PaymentTransaction?> GetPaymentAsync(string signature, CancellationToken cancellationToken)
    {
        Check.Id(signature, "signature");
        var archive = Tables.PaymentsArchive is { } a
            ? $"UNION ALL SELECT {PaymentColumns} FROM {a.Quoted} WHERE signature = @signature AND tenant_id = @tenant"
            : "";
        return ReadAsync(s => s.One($"""
            SELECT {PaymentColumns} FROM {Tables.Payments.Quoted} WHERE signature = @signature AND tenant_id = @tenant {archive}
            """, ReadPayment, ("@signature", signature), Tenant), cancellationToken);
    }

    public Task RecordPaymentsAsync(IReadOnlyList<PaymentTransaction> transactions, CancellationToken cancellationToken)
    {
        var prepared = Prepare.Payments(TenantId, transactions, Now);
        return WriteAsync(s =>
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var offending = new List<string>();
            var changes = s.ForEach(InsertPaymentSql, prepared, PaymentArgs);
            for (var i = 0; i < prepared.Length; i++)
            {
                var signature = prepared[i].Signature;
                var repeated = !seen.Add(signature);
                if ((repeated || changes[i] == 0) && !offending.Contains(signature, StringComparer.Ordinal)) offending.Add(signature);
            }
            // Throwing rolls the whole batch back (transaction or savepoint): nothing of it is written.
            if (offending.Count > 0) throw new PaymentReplayException(offending);
        }, cancellationToken);
    }

    public Task<long> ArchiveOldPaymentsAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        var cutoff = StorageTime.Micro(olderThan);
        var hot = Tables.Payments.Quoted;
        return LoopAsync(s =>
        {
            // One bounded batch per transaction: copy (if archiving), then delete exactly the rows copied.
            var batch = s.List($"SELECT signature FROM {hot} WHERE created_at < @cutoff ORDER BY created_at LIMIT @batch",
                r => r.GetString(0), ("@cutoff", cutoff), ("@batch", BatchSize));
            if (batch.Count == 0) return 0;
            var ids = Json(batch);
            if (Tables.PaymentsArchive is { } archive)
                s.Execute($"""
                    INSERT INTO {archive.Quoted} ({PaymentColumns}, archived_at)
                    SELECT {PaymentColumns}, @now FROM {hot} WHERE signature IN (SELECT value FROM json_each(@ids))
                    ON CONFLICT (signature) DO NOTHING
                    """, ("@ids", ids), ("@now", Now));
            return s.Execute($"DELETE FROM {hot} WHERE signature IN (SELECT value FROM json_each(@ids))", ("@ids", ids));
        }, cancellationToken);
    }
}
