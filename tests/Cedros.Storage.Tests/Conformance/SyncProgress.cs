namespace Cedros.Storage.Tests.Conformance;

/// <summary>An <see cref="IProgress{T}"/> that records every report synchronously (unlike <see cref="Progress{T}"/>,
/// which posts to the thread pool).</summary>
public sealed class SyncProgress : IProgress<long>
{
    private readonly List<long> _values = [];

    public IReadOnlyList<long> Values
    {
        get { lock (_values) return [.. _values]; }
    }

    public void Report(long value)
    {
        lock (_values) _values.Add(value);
    }
}
