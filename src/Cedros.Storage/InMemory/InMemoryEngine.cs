using Cedros.Storage.Configuration;
using Cedros.Storage.Internal;

namespace Cedros.Storage.InMemory;

/// <summary>The shared state of one <see cref="InMemoryStorage"/> and the lock that serialises access to it.</summary>
internal sealed class InMemoryEngine(StorageOptions options, TimeProvider time) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _transactionCalls = new();

    public StorageOptions Options { get; } = options;
    public TimeProvider Time { get; } = time;
    public InMemoryTables Tables { get; private set; } = new();

    public DateTimeOffset Now => StorageTime.Now(Time);

    /// <summary>
    /// Runs <paramref name="operation"/> alone against the tables and undoes everything it changed if it throws, so
    /// every call, batches included, is all-or-nothing. Outside a transaction it takes the lock; inside one the caller
    /// already holds it (the transaction's own snapshot covers the rollback of the whole callback), and a second,
    /// short lock keeps calls made in parallel through the same transaction handle from interleaving.
    /// </summary>
    public async Task<T> RunAsync<T>(bool inTransaction, Func<InMemoryTables, T> operation, CancellationToken cancellationToken)
    {
        if (inTransaction)
        {
            cancellationToken.ThrowIfCancellationRequested();
            lock (_transactionCalls) return RunUndoable(operation);
        }
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

    /// <summary>Runs a transaction: holds the lock for the whole callback; restores the snapshot if it throws.</summary>
    public async Task<T> TransactAsync<T>(Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var snapshot = Tables.Snapshot();
            try
            {
                return await work(cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                Tables = snapshot;
                throw;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();
}
