namespace Cedros.Storage.Internal;

/// <summary>
/// Remembers, per async flow, which storages this flow is inside a transaction of, so that a call through any other
/// handle of the same storage (the outer handle, or another tenant's handle) fails at once with a clear error instead
/// of waiting on the transaction's own lock (forever in memory, until the busy timeout on SQLite) or running outside
/// it on another connection (PostgreSQL, where it may wait on the transaction's row locks).
/// Each backend enters a scope around the transaction's callback and checks on its non-transaction path.
/// </summary>
internal static class TransactionFlow
{
    private static readonly AsyncLocal<Frame?> Current = new();

    /// <summary>Marks this flow as inside a transaction of <paramref name="storage"/> (any object identifying one
    /// storage instance) until the scope is disposed. Must be entered and disposed in the same async method.</summary>
    public static Scope Enter(object storage)
    {
        var frame = new Frame(storage, Current.Value);
        Current.Value = frame;
        return new Scope(frame);
    }

    /// <summary>Throws when this flow is inside a live transaction of <paramref name="storage"/>.</summary>
    public static void ThrowIfInside(object storage)
    {
        for (var frame = Current.Value; frame is not null; frame = frame.Outer)
        {
            if (frame.Active && ReferenceEquals(frame.Storage, storage))
                throw new InvalidOperationException(
                    "This call was made through a storage handle that is not bound to the transaction this code is running in. "
                    + "Inside InTransactionAsync, make every call through the callback's transaction handle (its first argument); "
                    + "a call through another handle of the same storage is not part of the transaction and would wait on its locks.");
        }
    }

    internal sealed class Frame(object storage, Frame? outer)
    {
        private volatile bool _active = true;

        public object Storage { get; } = storage;
        public Frame? Outer { get; } = outer;
        public bool Active => _active;
        public void End() => _active = false;
    }

    /// <summary>Ends the transaction's mark: tasks the callback started and left running no longer count as inside it.</summary>
    internal sealed class Scope : IDisposable
    {
        private readonly Frame _frame;

        internal Scope(Frame frame) => _frame = frame;

        public void Dispose()
        {
            _frame.End();
            if (ReferenceEquals(Current.Value, _frame)) Current.Value = _frame.Outer;
        }
    }
}
