using Cedros.Storage.Configuration;
using Cedros.Storage.Internal;

namespace Cedros.Storage.InMemory;

/// <summary>The shared state of one <see cref="InMemoryStorage"/> and the lock that serialises access to it.</summary>
internal sealed class InMemoryEngine(StorageOptions options, TimeProvider time) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public StorageOptions Options { get; } = options;
    public TimeProvider Time { get; } = time;
    public InMemoryTables Tables { get; private set; } = new();

    public DateTimeOffset Now => StorageTime.Now(Time);

    /// <summary>
    /// Runs <paramref name="operation"/> alone against the tables. Outside a transaction it takes the lock and undoes
    /// everything the operation changed if it throws (so every call, batches included, is all-or-nothing); inside a
    /// transaction the caller already holds the lock and the transaction's snapshot covers the rollback.
    /// </summary>
    public async Task<T> RunAsync<T>(bool inTransaction, Func<InMemoryTables, T> operation, CancellationToken cancellationToken)
    {
        if (inTransaction) return operation(Tables);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
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
        finally
        {
            _gate.Release();
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
