namespace Cedros.Storage.Tests.Conformance;

/// <summary>Runs many callers at once behind a start barrier and collects each outcome.</summary>
public static class Races
{
    /// <summary>Runs <paramref name="callers"/> concurrent calls; returns each result or the exception it threw.</summary>
    public static async Task<IReadOnlyList<(T? Result, Exception? Error)>> RunAsync<T>(int callers, Func<int, Task<T>> call)
    {
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = Enumerable.Range(0, callers).Select(i => Task.Run(async () =>
        {
            await start.Task;
            try
            {
                return ((T?)await call(i), (Exception?)null);
            }
            catch (Exception ex)
            {
                return (default(T), ex);
            }
        })).ToArray();
        start.SetResult();
        return await Task.WhenAll(tasks);
    }
}
