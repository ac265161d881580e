using Cedros.Storage.Configuration;
using Cedros.Storage.Internal;

namespace Cedros.Storage.InMemory;

/// <summary>The shared state of one <see cref="InMemoryStorage"/> and the lock that serialises access to it.</summary>
internal sealed class InMemoryEngine(StorageOptions options) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _transactionCalls = new();

    /// <summary>Whether a payments archive table is configured (else archiving deletes).</summary>
    public bool ArchivesPayments { get; } = options.ResolveTables().PaymentsArchive is not null;
    public InMemoryTables Tables { get; private set; } = new();

    /// <summary>
    /// Runs <paramref name="operation"/> alone against the tables and undoes everything it changed if it throws, so
    /// every call, batches included, is all-or-nothing. Outside a transaction it takes the lock; inside one the caller
    /// already holds it (the transaction's own snapshot covers the rollback of the whole callback), and a second,
    /// short lock keeps calls made in parallel through the same transaction handle from interleaving. A handle whose
    /// transaction has ended is refused, so a leaked handle can never write outside the lock.
    /// </summary>
    public async Task<T> RunAsync<T>(InMemoryTransaction? transaction, Func<InMemoryTables, T> operation, CancellationToken cancellationToken)
    {
        if (transaction is not null)
        {
            cancellationToken.ThrowIfCancellationRequested();
            lock (_transactionCalls)
            {
                transaction.EnsureLive();
                return RunUndoable(operation);
            }
        }
        TransactionFlow.ThrowIfInside(this);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return RunUndoable(operation);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Runs a transaction: holds the lock for the whole callback; restores the snapshot if it throws. The
    /// transaction ends (its handle stops working) before the lock is released.</summary>
    public async Task<T> TransactAsync<T>(Func<InMemoryTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        TransactionFlow.ThrowIfInside(this);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        var transaction = new InMemoryTransaction();
        try
        {
            var snapshot = Tables.Snapshot();
            try
            {
                using (TransactionFlow.Enter(this))
                    return await work(transaction, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                lock (_transactionCalls)
                {
                    transaction.End();
                    Tables = snapshot;
                }
                throw;
            }
        }
        finally
        {
            lock (_transactionCalls) transaction.End();
            _gate.Release();
        }
    }

    private T RunUndoable<T>(Func<InMemoryTables, T> operation)
    {
        var snapshot = Tables.Snapshot();
        try
        {
            return operation(Tables);
        }
        catch
        {
            Tables = snapshot;
            throw;
        }
    }

    public void Dispose() => _gate.Dispose();
}

/// <summary>One running transaction; its handles stop working once it has committed or rolled back.</summary>
internal sealed class InMemoryTransaction
{
    private bool _ended;

    public void End() => _ended = true;

    public void EnsureLive()
    {
        if (_ended)
            throw new InvalidOperationException(
                "This transaction has already committed or rolled back; its handle can no longer be used. Use the storage handle instead.");
    }
}
