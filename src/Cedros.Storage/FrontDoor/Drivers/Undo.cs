namespace Cedros.Storage.FrontDoor.Drivers;

/// <summary>
/// How a driver reports an all-or-nothing step that must not be kept (a batch with a refused item) without an error
/// message: it throws <see cref="Undo{T}"/> inside the step, which rolls it back (transaction or savepoint) like any
/// failure, and <c>Undo.CatchAsync</c> around the step turns it back into the outcome.
/// </summary>
internal sealed class Undo<T>(T outcome) : Exception("the driver step was rolled back to report its outcome.")
{
    /// <summary>What the step reports.</summary>
    public T Outcome { get; } = outcome;
}

/// <summary>Runs a driver step that may end in <see cref="Undo{T}"/>.</summary>
internal static class Undo
{
    /// <summary>The step's result, or the outcome of the <see cref="Undo{T}"/> it threw after rolling back.</summary>
    public static async Task<T> CatchAsync<T>(Func<Task<T>> step)
    {
        try
        {
            return await step().ConfigureAwait(false);
        }
        catch (Undo<T> undo)
        {
            return undo.Outcome;
        }
    }
}
