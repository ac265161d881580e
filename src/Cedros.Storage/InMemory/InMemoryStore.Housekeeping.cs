namespace Cedros.Storage.InMemory;

internal sealed partial class InMemoryStore
{
    /// <summary>
    /// Runs housekeeping the way the SQL backends do: each batch of at most <c>storage.housekeeping_batch_size</c> rows
    /// is one atomic operation (so live traffic interleaves between batches), repeated until a batch finds nothing.
    /// <paramref name="batch"/> removes or moves up to the given number of rows and returns how many it touched.
    /// </summary>
    private async Task<long> RunInBatchesAsync(Func<InMemoryTables, int, int> batch, CancellationToken cancellationToken)
    {
        var batchSize = Math.Max(1, Engine.Options.HousekeepingBatchSize);
        long total = 0;
        while (true)
        {
            var touched = await RunAsync(tables => batch(tables, batchSize), cancellationToken).ConfigureAwait(false);
            if (touched == 0) return total;
            total += touched;
        }
    }
}
