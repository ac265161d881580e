using Cedros.Storage.FrontDoor.Drivers;
using Cedros.Storage.Internal;
using Cedros.Storage.Schema.Rows;
using Npgsql;

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
    /// The batch in one statement, in a transaction (or savepoint): any signature not inserted rolls the statement's
    /// rows back. The statement's <c>NOT EXISTS (archive)</c> sees its own snapshot; a signature the archiver moved at
    /// that very moment is caught by the ledger's archive guard trigger (<see cref="PostgresArchiveGuard"/>), which fails
    /// the whole statement: nothing is written, and the signatures now recorded are looked up to name them.
    /// </summary>
    public async Task<PaymentBatchInsert> InsertPaymentBatchAsync(IReadOnlyList<PaymentTransaction> payments, CancellationToken cancellationToken)
    {
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

    public Task<bool> PaymentExistsAsync(string signature, CancellationToken cancellationToken) =>
        RunAsync(c => c.RowAsync("""
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

    /// <summary>One statement per batch: the rows leave the ledger and enter the archive together.</summary>
    public Task<int> ArchivePaymentBatchAsync(DateTimeOffset cutoff, DateTimeOffset now, int batchSize, CancellationToken cancellationToken) =>
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
            return (await c.ListAsync(t.AttemptId is null ? InsertOneOrSkip : InsertOneOwnAttempt, static _ => true,
                ("t", TenantId), ("sig", t.Signature), ("resource", t.ResourceId), ("wallet", t.Wallet),
                ("amount", t.Amount), ("asset", t.AmountAsset), ("created", t.CreatedAt), ("meta", StorageJson.Serialize(t.Metadata)),
                ("attempt", t.AttemptId)).ConfigureAwait(false)).Count == 1;
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

    private const string InsertOneOrSkip = InsertOne + "ON CONFLICT (signature) DO NOTHING RETURNING 1";
    private const string InsertOneOwnAttempt = InsertOne + OwnAttempt + " RETURNING 1";

    /// <summary>Only when some payment carries an attempt id: DO UPDATE locks every conflicting row, even where its
    /// WHERE is false, and a replay holding a ledger row's lock would make the archiver's SKIP LOCKED pass it by.</summary>
    private const string OwnAttempt = """
        ON CONFLICT (signature) DO UPDATE SET attempt_id = EXCLUDED.attempt_id
         WHERE p.attempt_id = EXCLUDED.attempt_id AND p.tenant_id = EXCLUDED.tenant_id
        """;

    /// <summary>The archive guard refused the statement: a signature was archived while it was being recorded.</summary>
    private sealed class ArchivedConcurrentlyException : Exception
    {
        public ArchivedConcurrentlyException()
            : base("a payment signature was archived while it was being recorded.")
        {
        }
    }
}
