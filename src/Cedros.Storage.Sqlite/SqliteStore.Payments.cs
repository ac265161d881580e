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

    /// <summary>
    /// The batch in one write transaction (or savepoint), which holds the file's write lock from its first statement, so
    /// no archiver or other writer runs between the steps: one query finds the batch's signatures already archived,
    /// then one prepared <c>INSERT … VALUES</c> per row, bound by position (<see cref="SqliteSession.ForEachPositional{T}"/>),
    /// whose upsert counts a conflict as "recorded" unless it is this tenant's own earlier attempt. Any signature not
    /// inserted rolls every row back and is reported. Not the single-row <c>INSERT … SELECT … WHERE NOT EXISTS</c>: inside
    /// a transaction it costs about five times a one-row <c>VALUES</c> insert (most likely the statement journal SQLite
    /// keeps for a statement that may write several rows) (measured: docs/benchmarks.md, "Batches of 10,000").
    /// </summary>
    public Task<PaymentBatchInsert> InsertPaymentBatchAsync(IReadOnlyList<PaymentTransaction> payments, CancellationToken cancellationToken) =>
        Undo.CatchAsync(() => WriteAsync(s =>
        {
            var recorded = Tables.PaymentsArchive is null
                ? new HashSet<string>(StringComparer.Ordinal)
                : s.List(Sql(ArchivedOfBatch), r => r.GetString(0), ("@signatures", Json(payments.Select(p => p.Signature))))
                    .ToHashSet(StringComparer.Ordinal);
            var rows = recorded.Count == 0 ? payments : payments.Where(p => !recorded.Contains(p.Signature)).ToArray();
            var tenant = TenantId;
            var changes = s.ForEachPositional(Sql(InsertPaymentRow), rows, (b, p) =>
            {
                b.Text(1, p.Signature);
                b.Text(2, tenant);
                b.Text(3, p.ResourceId);
                b.Text(4, p.Wallet);
                b.Integer(5, p.Amount);
                b.Text(6, p.AmountAsset);
                b.Integer(7, Cedros.Storage.Internal.StorageTime.ToUnixMicros(p.CreatedAt));
                b.Text(8, Json(p.Metadata));
                b.Text(9, p.AttemptId);
            });
            for (var i = 0; i < rows.Count; i++)
                if (changes[i] == 0) recorded.Add(rows[i].Signature);
            if (recorded.Count > 0)
                throw new Undo<PaymentBatchInsert>(new(false, payments.Select(p => p.Signature).Where(recorded.Contains).ToArray()));
            return PaymentBatchInsert.Done;
        }, cancellationToken));

    /// <summary>The batch's signatures (a JSON array) that are in the archive: one primary-key probe per signature.</summary>
    private const string ArchivedOfBatch =
        "SELECT a.signature FROM json_each(@signatures) AS j CROSS JOIN [[payments_archive]] AS a ON a.signature = j.value";

    private static readonly string InsertPaymentRow = $"""
        INSERT INTO [[payments]] ({PaymentRow.ColumnsWithAttempt}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
        {OwnAttempt}
        """;

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

    /// <summary>
    /// One bounded batch in one write transaction: copy (if archiving), then delete exactly the rows copied. The batch
    /// takes at most <paramref name="batchSize"/> rows, fewer when that would hold the write lock longer than
    /// <see cref="SqliteBatchPace.Target"/> (a payment being recorded waits for the whole batch), on the engine's
    /// housekeeping connection, whose commits do not fsync (<see cref="SqliteEngine.WriteHousekeepingAsync{T}"/>).
    /// </summary>
    public async Task<int> ArchivePaymentBatchAsync(DateTimeOffset cutoff, DateTimeOffset now, int batchSize, CancellationToken cancellationToken)
    {
        var moved = await MovePaymentBatchAsync(cutoff, now, batchSize, cancellationToken).ConfigureAwait(false);
        // The batches' pages are copied from the WAL into the database here, after the write lock is released (a WAL
        // checkpoint needs no write lock): otherwise SQLite's automatic checkpoint falls on whichever commit crosses
        // 1,000 WAL pages, most often a live writer's, which then pays for copying the archiver's pages. Batches cut
        // short for a waiting writer are small, so the checkpoint runs every SqliteBatchPace.CheckpointRows rows moved
        // rather than after each batch (a larger interval made each checkpoint, and the writer beside it, slower).
        if (!InTransaction && Engine.ArchivePace.CheckpointDue(moved)) await ReadAsync(s => s.Execute("PRAGMA wal_checkpoint(PASSIVE)"), cancellationToken).ConfigureAwait(false);
        return moved;
    }

    private Task<int> MovePaymentBatchAsync(DateTimeOffset cutoff, DateTimeOffset now, int batchSize, CancellationToken cancellationToken) =>
        InTransaction
            ? WriteAsync(s => MovePaymentBatch(s, cutoff, now, batchSize), cancellationToken)
            : Engine.WriteHousekeepingAsync(s => MovePaymentBatch(s, cutoff, now, batchSize), cancellationToken);

    private int MovePaymentBatch(SqliteSession s, DateTimeOffset cutoff, DateTimeOffset now, int batchSize)
    {
        var pace = Engine.ArchivePace;
        var started = pace.Start();
        var limit = pace.Next(batchSize);
        var moved = 0;
        // Chunk by chunk inside the one transaction: when a writer of this process is waiting for the gate, the batch
        // commits after the chunk in hand (it waits for a few rows' work, not for the whole batch).
        while (moved < limit)
        {
            var chunk = MoveChunk(s, cutoff, now, Math.Min(SqliteBatchPace.ChunkRows, limit - moved));
            moved += chunk;
            if (chunk == 0 || Engine.HousekeepingShouldCommit) break;
        }
        pace.Done(started, moved);
        return moved;
    }

    private int MoveChunk(SqliteSession s, DateTimeOffset cutoff, DateTimeOffset now, int rows)
    {
        var batch = s.List(Sql("SELECT signature FROM [[payments]] WHERE created_at < @cutoff ORDER BY created_at LIMIT @batch"),
            r => r.GetString(0), ("@cutoff", cutoff), ("@batch", rows));
        if (batch.Count == 0) return 0;
        var ids = Json(batch);
        if (Tables.PaymentsArchive is not null)
            s.Execute(Sql($"""
                INSERT INTO [[payments_archive]] ({PaymentRow.Columns}, archived_at)
                SELECT {PaymentRow.Columns}, @now FROM [[payments]] WHERE signature IN (SELECT value FROM json_each(@ids))
                ON CONFLICT (signature) DO NOTHING
                """), ("@ids", ids), ("@now", now));
        return s.Execute(Sql("DELETE FROM [[payments]] WHERE signature IN (SELECT value FROM json_each(@ids))"), ("@ids", ids));
    }
}
