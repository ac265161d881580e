using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Internal;
using Cedros.Storage.Schema.Rows;
using Npgsql;
using NpgsqlTypes;

namespace Cedros.Storage.Postgres;

internal sealed partial class PostgresStore : IPaymentDriver
{
    public async Task<bool> InsertPaymentAsync(PaymentTransaction payment, CancellationToken cancellationToken)
    {
        try
        {
            return await RunAsync(c => InsertOnePaymentAsync(c, payment), cancellationToken).ConfigureAwait(false);
        }
        catch (ArchivedConcurrentlyException)
        {
            return false;
        }
    }

    /// <summary>
    /// Batches of at least this many payments are first tried as one binary <c>COPY</c> straight into the ledger; smaller
    /// ones go to the <c>unnest</c> statement alone (a COPY's extra round trips cost more than they save below it;
    /// measured: docs/benchmarks.md, "Batches of 10,000", and docs/decisions.md).
    /// </summary>
    internal const int CopyThreshold = 50;

    /// <summary>
    /// A batch is all or nothing. From <see cref="CopyThreshold"/> payments on, the common case (every signature new) is
    /// one binary <c>COPY</c> into the ledger (one statement, atomic by itself; a savepoint inside a transaction): the primary key refuses a signature
    /// already in the ledger (waiting, like any insert, for a concurrent writer of the same signature), and the archive
    /// guard trigger (<see cref="PostgresArchiveGuard"/>), which fires for COPY as for INSERT, refuses one already in the
    /// archive. Either refusal rolls the COPY back, and the batch runs again as the statement below, which tells a
    /// replay from this tenant's own earlier attempt and names the signatures recorded.
    /// <para>
    /// The statement: the batch in one <c>INSERT … SELECT FROM unnest(…)</c>, in a transaction (or savepoint): any
    /// signature not inserted rolls the statement's rows back. Its <c>NOT EXISTS (archive)</c> sees its own snapshot; a
    /// signature the archiver moved at that very moment is caught by the guard trigger, which fails the whole
    /// statement: nothing is written, and the signatures now recorded are looked up to name them.
    /// </para>
    /// </summary>
    public async Task<PaymentBatchInsert> InsertPaymentBatchAsync(IReadOnlyList<PaymentTransaction> payments, CancellationToken cancellationToken)
    {
        if (payments.Count >= CopyThreshold)
        {
            try
            {
                // One COPY is one statement, atomic by itself: no transaction of its own (a savepoint inside one).
                return await RunAsync(c => CopyPaymentsAsync(c, payments), cancellationToken).ConfigureAwait(false);
            }
            catch (CopyRefusedException)
            {
                // Some signature is recorded (or is this tenant's own earlier attempt): the statement sorts it out.
            }
        }
        try
        {
            return await Undo.CatchAsync(() => RunAsync(async c =>
            {
                var fresh = (await InsertPaymentsAsync(c, payments).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
                if (fresh.Count == payments.Count) return PaymentBatchInsert.Done;
                throw new Undo<PaymentBatchInsert>(new(false, payments.Select(p => p.Signature).Where(s => !fresh.Contains(s)).ToArray()));
            }, cancellationToken, atomic: true)).ConfigureAwait(false);
        }
        catch (ArchivedConcurrentlyException)
        {
            var existing = (await RunAsync(c => c.ListAsync("""
                SELECT signature FROM [[payments]] WHERE signature = ANY(@sigs)
                UNION
                SELECT signature FROM [[payments_archive]] WHERE signature = ANY(@sigs)
                """, r => r.GetString(0), ("sigs", payments.Select(t => t.Signature).ToArray())), cancellationToken).ConfigureAwait(false))
                .ToHashSet(StringComparer.Ordinal);
            // Empty when the guard saw a signature this query does not: its archive table is not this instance's.
            return new PaymentBatchInsert(false, payments.Select(p => p.Signature).Where(existing.Contains).ToArray());
        }
    }

    /// <summary>
    /// One binary COPY of the batch into the ledger (the columns the migrations create: <c>created_at</c> is
    /// <c>TIMESTAMP</c> holding UTC). A unique violation — the primary key or the archive guard — becomes
    /// <see cref="CopyRefusedException"/>, which rolls the transaction (or savepoint) back.
    /// </summary>
    private async Task<PaymentBatchInsert> CopyPaymentsAsync(PgConn c, IReadOnlyList<PaymentTransaction> payments)
    {
        try
        {
            var import = await c.BeginBinaryImportAsync(
                $"COPY [[payments]] ({PaymentRow.ColumnsWithAttempt}) FROM STDIN (FORMAT BINARY)").ConfigureAwait(false);
            await using (import.ConfigureAwait(false))
            {
                foreach (var p in payments)
                {
                    await import.StartRowAsync(c.Ct).ConfigureAwait(false);
                    await import.WriteAsync(p.Signature, NpgsqlDbType.Text, c.Ct).ConfigureAwait(false);
                    await import.WriteAsync(TenantId, NpgsqlDbType.Text, c.Ct).ConfigureAwait(false);
                    await import.WriteAsync(p.ResourceId, NpgsqlDbType.Text, c.Ct).ConfigureAwait(false);
                    await import.WriteAsync(p.Wallet, NpgsqlDbType.Text, c.Ct).ConfigureAwait(false);
                    await import.WriteAsync(p.Amount, NpgsqlDbType.Bigint, c.Ct).ConfigureAwait(false);
                    await import.WriteAsync(p.AmountAsset, NpgsqlDbType.Text, c.Ct).ConfigureAwait(false);
                    await import.WriteAsync(new DateTime(p.CreatedAt.UtcTicks, DateTimeKind.Unspecified), NpgsqlDbType.Timestamp, c.Ct).ConfigureAwait(false);
                    await import.WriteAsync(StorageJson.Serialize(p.Metadata), NpgsqlDbType.Jsonb, c.Ct).ConfigureAwait(false);
                    if (p.AttemptId is null) await import.WriteNullAsync(c.Ct).ConfigureAwait(false);
                    else await import.WriteAsync(p.AttemptId, NpgsqlDbType.Text, c.Ct).ConfigureAwait(false);
                }
                await import.CompleteAsync(c.Ct).ConfigureAwait(false);
            }
            return PaymentBatchInsert.Done;
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new CopyRefusedException();
        }
    }

    public Task<bool> PaymentExistsAsync(string signature, CancellationToken cancellationToken) =>
        ReadAsync(c => c.RowAsync("""
            SELECT EXISTS (SELECT 1 FROM [[payments]] WHERE signature = @s)
                OR EXISTS (SELECT 1 FROM [[payments_archive]] WHERE signature = @s)
            """, r => r.GetBoolean(0), ("s", signature)), cancellationToken);

    public Task<PaymentTransaction?> FindPaymentAsync(string signature, CancellationToken cancellationToken) =>
        RunAsync(c => c.OneAsync($"""
            SELECT {PaymentRow.Columns}, attempt_id FROM [[payments]] WHERE signature = @s AND tenant_id = @t
            UNION ALL
            SELECT {PaymentRow.Columns}, NULL FROM [[payments_archive]] WHERE signature = @s AND tenant_id = @t
            LIMIT 1
            """, Codec.Rows.Payment, ("s", signature), ("t", TenantId)), cancellationToken);

    /// <summary>
    /// One statement per batch: the rows leave the ledger and enter the archive together. Then, when the archive has
    /// grown past its planner statistics, it is analysed (<see cref="AnalyzeArchiveIfStaleAsync"/>).
    /// </summary>
    public async Task<int> ArchivePaymentBatchAsync(DateTimeOffset cutoff, DateTimeOffset now, int batchSize, CancellationToken cancellationToken)
    {
        var moved = await MovePaymentBatchAsync(cutoff, now, batchSize, cancellationToken).ConfigureAwait(false);
        if (moved > 0 && Context.ArchiveEnabled && !InTransaction) await AnalyzeArchiveIfStaleAsync(cancellationToken).ConfigureAwait(false);
        return moved;
    }

    /// <summary>
    /// Every recording probes the archive by primary key (the ledger insert's <c>NOT EXISTS</c> and the guard trigger's
    /// query). Their plans are cached — per connection by automatic preparation, per session by PL/pgSQL — and a plan
    /// made while the archive was empty or tiny is a sequential scan, kept until the table's statistics change: the first
    /// archival of a large backlog then made every recording scan the growing archive (measured: 0.25 ms → 0.8 s per
    /// payment at 1,000,000 archived rows, until autovacuum's analyse came round). So whenever the rows changed since the
    /// last analyse exceed both 1,000 and the rows the statistics know, the archiver analyses the archive itself, which
    /// also invalidates those cached plans: on a fresh archive about a dozen times while moving 1,000,000 rows (each
    /// samples at most 30,000 rows), on a settled one almost never. ANALYZE takes no lock that blocks reads or
    /// inserts; without ownership of the table PostgreSQL skips it with a warning.
    /// </summary>
    private async Task AnalyzeArchiveIfStaleAsync(CancellationToken cancellationToken)
    {
        var stale = await RunAsync(c => c.RowAsync("""
            SELECT COALESCE((SELECT COALESCE(s.n_mod_since_analyze, 0) > GREATEST(1000, c.reltuples)
                               FROM pg_class c LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
                              WHERE c.oid = to_regclass(@archive)), false)
            """, r => r.GetBoolean(0), ("archive", Context.ArchiveTable.Quoted)), cancellationToken).ConfigureAwait(false);
        if (stale) await RunAsync(c => c.ExecuteAsync("ANALYZE [[payments_archive]]"), cancellationToken).ConfigureAwait(false);
    }

    private Task<int> MovePaymentBatchAsync(DateTimeOffset cutoff, DateTimeOffset now, int batchSize, CancellationToken cancellationToken) =>
        RunAsync(c => c.RowAsync(Context.ArchiveEnabled
            ? """
              WITH moved AS (
                  DELETE FROM [[payments]] WHERE signature IN (
                      SELECT signature FROM [[payments]] WHERE created_at < @cutoff LIMIT @n FOR UPDATE SKIP LOCKED)
                  RETURNING signature, tenant_id, resource_id, wallet, amount, amount_asset, created_at, metadata),
              archived AS (
                  INSERT INTO [[payments_archive]] (signature, tenant_id, resource_id, wallet, amount, amount_asset, created_at, metadata, archived_at)
                  SELECT signature, tenant_id, resource_id, wallet, amount, amount_asset, created_at, metadata, @now FROM moved
                  ON CONFLICT (signature) DO NOTHING)
              SELECT count(*) FROM moved
              """
            : """
              WITH moved AS (
                  DELETE FROM [[payments]] WHERE signature IN (
                      SELECT signature FROM [[payments]] WHERE created_at < @cutoff LIMIT @n FOR UPDATE SKIP LOCKED)
                  RETURNING 1)
              SELECT count(*) FROM moved
              """, r => (int)r.GetInt64(0), ("cutoff", cutoff), ("n", batchSize), ("now", now)), cancellationToken);

    /// <summary>
    /// Inserts payments in one statement; a signature already in the ledger or the archive (any tenant) is not inserted.
    /// Returns the signatures recorded, including those this tenant recorded before under the same attempt id. Such an
    /// own earlier attempt is re-written (its attempt id set to itself), not just read: that write makes the commit wait
    /// for the synchronous standby, so "already recorded by you" is only answered once the row is durable there. A row
    /// a crashed primary committed but never replicated would otherwise be confirmed, then lost in the failover. The archive guard's refusal (<see cref="PostgresArchiveGuard"/>) becomes
    /// <see cref="ArchivedConcurrentlyException"/>, after the executor rolled the statement back (transaction or savepoint).
    /// </summary>
    private async Task<List<string>> InsertPaymentsAsync(PgConn c, IReadOnlyList<PaymentTransaction> txs)
    {
        try
        {
            return await c.ListAsync($"""
                INSERT INTO [[payments]] AS p (signature, tenant_id, resource_id, wallet, amount, amount_asset, created_at, metadata, attempt_id)
                SELECT u.signature, @t, u.resource_id, u.wallet, u.amount, u.amount_asset, u.created_at, u.metadata::jsonb, u.attempt_id
                  FROM unnest(@sigs::text[], @resources::text[], @wallets::text[], @amounts::bigint[], @assets::text[],
                              @created::timestamptz[], @metas::text[], @attempts::text[])
                       AS u(signature, resource_id, wallet, amount, amount_asset, created_at, metadata, attempt_id)
                 WHERE NOT EXISTS (SELECT 1 FROM [[payments_archive]] a WHERE a.signature = u.signature)
                {(txs.Any(t => t.AttemptId is not null) ? OwnAttempt : "ON CONFLICT (signature) DO NOTHING")}
                RETURNING signature
                """, r => r.GetString(0), ("t", TenantId),
                ("sigs", txs.Select(t => t.Signature).ToArray()),
                ("resources", txs.Select(t => t.ResourceId).ToArray()),
                ("wallets", txs.Select(t => t.Wallet).ToArray()),
                ("amounts", txs.Select(t => t.Amount).ToArray()),
                ("assets", txs.Select(t => t.AmountAsset).ToArray()),
                ("created", txs.Select(t => t.CreatedAt).ToArray()),
                ("metas", txs.Select(t => StorageJson.Serialize(t.Metadata)).ToArray()),
                ("attempts", txs.Select(t => t.AttemptId).ToArray())).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (PostgresArchiveGuard.IsArchivedReplay(ex))
        {
            // Not a driver error: the executor passes it on untranslated after rolling back (transaction or savepoint).
            throw new ArchivedConcurrentlyException();
        }
    }

    /// <summary>
    /// One payment as <see cref="InsertPaymentsAsync"/> records a batch, in a single-row statement: no arrays to encode
    /// and unnest for the call a payment server makes most.
    /// </summary>
    private async Task<bool> InsertOnePaymentAsync(PgConn c, PaymentTransaction t)
    {
        try
        {
            // The rows it wrote: 1 inserted (or this tenant's own attempt taken again), 0 skipped.
            return await c.ExecuteAsync(t.AttemptId is null ? InsertOneOrSkip : InsertOneOwnAttempt,
                ("t", TenantId), ("sig", t.Signature), ("resource", t.ResourceId), ("wallet", t.Wallet),
                ("amount", t.Amount), ("asset", t.AmountAsset), ("created", t.CreatedAt), ("meta", StorageJson.Serialize(t.Metadata)),
                ("attempt", t.AttemptId)).ConfigureAwait(false) == 1;
        }
        catch (PostgresException ex) when (PostgresArchiveGuard.IsArchivedReplay(ex))
        {
            throw new ArchivedConcurrentlyException();
        }
    }

    private const string InsertOne = """
        INSERT INTO [[payments]] AS p (signature, tenant_id, resource_id, wallet, amount, amount_asset, created_at, metadata, attempt_id)
        SELECT @sig, @t, @resource, @wallet, @amount, @asset, @created, @meta::jsonb, @attempt::text
         WHERE NOT EXISTS (SELECT 1 FROM [[payments_archive]] a WHERE a.signature = @sig)

        """;

    private const string InsertOneOrSkip = InsertOne + "ON CONFLICT (signature) DO NOTHING";
    private const string InsertOneOwnAttempt = InsertOne + OwnAttempt;

    /// <summary>Only when some payment carries an attempt id: DO UPDATE locks every conflicting row, even where its
    /// WHERE is false, and a replay holding a ledger row's lock would make the archiver's SKIP LOCKED pass it by.</summary>
    private const string OwnAttempt = """
        ON CONFLICT (signature) DO UPDATE SET attempt_id = EXCLUDED.attempt_id
         WHERE p.attempt_id = EXCLUDED.attempt_id AND p.tenant_id = EXCLUDED.tenant_id
        """;

    /// <summary>The batch's COPY hit a recorded signature (ledger or archive); nothing of it was kept.</summary>
    private sealed class CopyRefusedException : Exception
    {
        public CopyRefusedException()
            : base("a payment signature of the batch is already recorded.")
        {
        }
    }

    /// <summary>The archive guard refused the statement: a signature was archived while it was being recorded.</summary>
    private sealed class ArchivedConcurrentlyException : Exception
    {
        public ArchivedConcurrentlyException()
            : base("a payment signature was archived while it was being recorded.")
        {
        }
    }
}
