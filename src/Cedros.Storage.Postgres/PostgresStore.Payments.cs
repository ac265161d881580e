using Cedros.Storage.Internal;
using Cedros.Storage.Validation;
using Npgsql;

namespace Cedros.Storage.Postgres;

internal sealed partial class PostgresStore
{
    private const string PaymentColumns = "signature, tenant_id, resource_id, wallet, amount, amount_asset, created_at, metadata";

    private static PaymentTransaction ReadPayment(NpgsqlDataReader r) => new()
    {
        Signature = r.GetString(0),
        TenantId = r.GetString(1),
        ResourceId = PgRow.Str(r, 2),
        Wallet = PgRow.Str(r, 3),
        Amount = PgRow.Long(r, 4),
        AmountAsset = PgRow.Str(r, 5),
        CreatedAt = PgRow.Time(r, 6),
        Metadata = PgRow.Meta(r, 7),
    };

    public async Task RecordPaymentAsync(PaymentTransaction transaction, CancellationToken cancellationToken)
    {
        var tx = Prepare.Payment(TenantId, transaction, Now);
        var recorded = await InsertPaymentsAsync([tx], atomic: false, cancellationToken).ConfigureAwait(false);
        if (recorded.Count == 0) throw new PaymentReplayException([tx.Signature]);
    }

    public async Task<bool> TryRecordPaymentAsync(PaymentTransaction transaction, CancellationToken cancellationToken)
    {
        var tx = Prepare.Payment(TenantId, transaction, Now);
        return (await InsertPaymentsAsync([tx], atomic: false, cancellationToken).ConfigureAwait(false)).Count == 1;
    }

    public Task<bool> HasPaymentBeenProcessedAsync(string signature, CancellationToken cancellationToken)
    {
        Check.Id(signature, "signature");
        return RunAsync(c => c.RowAsync("""
            SELECT EXISTS (SELECT 1 FROM [[payments]] WHERE signature = @s)
                OR EXISTS (SELECT 1 FROM [[payments_archive]] WHERE signature = @s)
            """, r => r.GetBoolean(0), ("s", signature)), cancellationToken);
    }

    public Task<PaymentTransaction?> GetPaymentAsync(string signature, CancellationToken cancellationToken)
    {
        Check.Id(signature, "signature");
        return RunAsync(c => c.OneAsync($"""
            SELECT {PaymentColumns} FROM [[payments]] WHERE signature = @s AND tenant_id = @t
            UNION ALL
            SELECT {PaymentColumns} FROM [[payments_archive]] WHERE signature = @s AND tenant_id = @t
            LIMIT 1
            """, ReadPayment, ("s", signature), ("t", TenantId)), cancellationToken);
    }

    public async Task RecordPaymentsAsync(IReadOnlyList<PaymentTransaction> transactions, CancellationToken cancellationToken)
    {
        var prepared = Prepare.Payments(TenantId, transactions, Now);
        if (prepared.Length == 0) return;
        await InsertPaymentsAsync(prepared, atomic: true, cancellationToken).ConfigureAwait(false);
    }

    public async Task<long> ArchiveOldPaymentsAsync(DateTimeOffset olderThan, CancellationToken cancellationToken)
    {
        var cutoff = StorageTime.Micro(olderThan);
        // Each batch is one statement: the rows leave the ledger and enter the archive together.
        var sql = Context.ArchiveEnabled
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
              """;
        long total = 0;
        while (true)
        {
            var moved = await RunAsync(c => c.RowAsync(sql, r => r.GetInt64(0), ("cutoff", cutoff), ("n", Context.BatchSize), ("now", Now)),
                cancellationToken).ConfigureAwait(false);
            if (moved == 0) return total;
            total += moved;
        }
    }

    /// <summary>
    /// Inserts payments in one statement; a signature already in the ledger or the archive (any tenant), or repeated
    /// in the batch, is not inserted. For a batch (<paramref name="atomic"/>) any such signature rolls everything back
    /// with <see cref="PaymentReplayException"/> listing them. Returns the signatures recorded.
    /// <para>
    /// The statement's <c>NOT EXISTS (archive)</c> sees its own snapshot; a signature the archiver moved at that very
    /// moment is caught by the ledger's archive guard trigger (<see cref="PostgresArchiveGuard"/>), which fails the
    /// whole statement: nothing is written, and the signature counts as a replay (inside a transaction the call's
    /// savepoint is rolled back, so the transaction goes on).
    /// </para>
    /// </summary>
    private async Task<List<string>> InsertPaymentsAsync(PaymentTransaction[] txs, bool atomic, CancellationToken cancellationToken)
    {
        try
        {
            return await RunAsync(c => InsertAsync(c, txs, atomic), cancellationToken, atomic).ConfigureAwait(false);
        }
        catch (ArchivedConcurrentlyException) when (!atomic)
        {
            return [];
        }
        catch (ArchivedConcurrentlyException)
        {
            // The batch was rolled back; name every signature that is now recorded or archived, or repeated.
            var existing = await RunAsync(c => c.ListAsync("""
                SELECT signature FROM [[payments]] WHERE signature = ANY(@sigs)
                UNION
                SELECT signature FROM [[payments_archive]] WHERE signature = ANY(@sigs)
                """, r => r.GetString(0), ("sigs", txs.Select(t => t.Signature).ToArray())), cancellationToken).ConfigureAwait(false);
            var known = existing.ToHashSet(StringComparer.Ordinal);
            var offending = Offending(txs, known.Contains);
            if (offending.Count > 0) throw new PaymentReplayException(offending);
            // The guard saw a signature this query does not: its archive table is not this instance's (instances
            // configured with different archive tables). Refuse without guessing which signature it was.
            throw new StorageConflictException(
                "a payment of the batch is already in the archive table the ledger's guard checks, which is not the one configured here " +
                "(storage.archival.archive_table differs between instances?); nothing was written.");
        }
    }

    private async Task<List<string>> InsertAsync(PgConn c, PaymentTransaction[] txs, bool atomic)
    {
        List<string> recorded;
        try
        {
            recorded = await c.ListAsync("""
                INSERT INTO [[payments]] (signature, tenant_id, resource_id, wallet, amount, amount_asset, created_at, metadata)
                SELECT u.signature, @t, u.resource_id, u.wallet, u.amount, u.amount_asset, u.created_at, u.metadata::jsonb
                  FROM unnest(@sigs::text[], @resources::text[], @wallets::text[], @amounts::bigint[], @assets::text[],
                              @created::timestamptz[], @metas::text[])
                       AS u(signature, resource_id, wallet, amount, amount_asset, created_at, metadata)
                 WHERE NOT EXISTS (SELECT 1 FROM [[payments_archive]] a WHERE a.signature = u.signature)
                ON CONFLICT (signature) DO NOTHING
                RETURNING signature
                """, r => r.GetString(0), ("t", TenantId),
                ("sigs", txs.Select(t => t.Signature).ToArray()),
                ("resources", txs.Select(t => t.ResourceId).ToArray()),
                ("wallets", txs.Select(t => t.Wallet).ToArray()),
                ("amounts", txs.Select(t => t.Amount).ToArray()),
                ("assets", txs.Select(t => t.AmountAsset).ToArray()),
                ("created", txs.Select(t => t.CreatedAt).ToArray()),
                ("metas", txs.Select(t => StorageJson.Serialize(t.Metadata)).ToArray())).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (PostgresArchiveGuard.IsArchivedReplay(ex))
        {
            // Not a driver error: the executor passes it on untranslated after rolling back (transaction or savepoint).
            throw new ArchivedConcurrentlyException();
        }
        if (!atomic || recorded.Count == txs.Length) return recorded;
        var fresh = recorded.ToHashSet(StringComparer.Ordinal);
        throw new PaymentReplayException(Offending(txs, s => !fresh.Contains(s)));
    }

    /// <summary>The batch's offending signatures, once each, in batch order: repeated in the batch, or
    /// <paramref name="taken"/>.</summary>
    private static List<string> Offending(PaymentTransaction[] txs, Func<string, bool> taken)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var offending = new List<string>();
        foreach (var tx in txs)
        {
            var repeated = !seen.Add(tx.Signature);
            if ((repeated || taken(tx.Signature)) && !offending.Contains(tx.Signature, StringComparer.Ordinal))
                offending.Add(tx.Signature);
        }
        return offending;
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
