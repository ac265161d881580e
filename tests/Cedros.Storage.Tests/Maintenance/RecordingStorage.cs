using System.Collections.Concurrent;
using System.Reflection;
using System.Threading.Channels;

namespace Cedros.Storage.Tests.Maintenance;

/// <summary>One call made to the recording storage.</summary>
public sealed record RecordedCall(string Method, object?[] Arguments);

/// <summary>
/// A storage whose every tenant handle records the calls made to it (in a channel the test awaits) and answers
/// housekeeping calls with configurable results. Only what the maintenance services call is answered.
/// </summary>
public sealed class RecordingStorage : ICedrosStorage
{
    private readonly Channel<RecordedCall> _calls = Channel.CreateUnbounded<RecordedCall>();

    public RecordingStorage()
    {
        var proxy = DispatchProxy.Create<ITenantStorage, RecordingTenant>();
        ((RecordingTenant)(object)proxy).Owner = this;
        Default = proxy;
    }

    /// <summary>Per method name: what a call does (return the result, throw, or wait), given its arguments.</summary>
    public ConcurrentDictionary<string, Func<object?[], CancellationToken, Task<long>>> Behaviour { get; } = new();

    public bool Disposed { get; private set; }

    public ITenantStorage Default { get; }

    public ITenantStorage ForTenant(string tenantId) =>
        tenantId == TenantIds.Default ? Default : throw new NotSupportedException("maintenance uses the default handle");

    public Task MigrateAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public ValueTask DisposeAsync()
    {
        Disposed = true;
        return ValueTask.CompletedTask;
    }

    /// <summary>The next call, waiting for it (fails after a generous timeout instead of hanging).</summary>
    public async Task<RecordedCall> NextCallAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await _calls.Reader.ReadAsync(timeout.Token);
    }

    /// <summary>The next <paramref name="count"/> calls.</summary>
    public async Task<List<RecordedCall>> NextCallsAsync(int count)
    {
        var calls = new List<RecordedCall>();
        for (var i = 0; i < count; i++)
            calls.Add(await NextCallAsync());
        return calls;
    }

    /// <summary>True when no call is waiting to be read.</summary>
    public bool NoPendingCalls => !_calls.Reader.TryPeek(out _);

    internal object? Invoke(MethodInfo method, object?[] args)
    {
        if (method.Name == "get_TenantId")
            return TenantIds.Default;
        _calls.Writer.TryWrite(new RecordedCall(method.Name, args));
        var token = args.OfType<CancellationToken>().FirstOrDefault();
        var result = Behaviour.TryGetValue(method.Name, out var behaviour)
            ? behaviour(args, token)
            : Task.FromResult(0L);
        if (method.ReturnType == typeof(Task<long>))
            return result;
        if (method.ReturnType == typeof(Task<int>))
            return ToInt(result);
        throw new NotSupportedException($"RecordingStorage does not answer {method.Name}");
    }

    private static async Task<int> ToInt(Task<long> task) => (int)await task;
}

public class RecordingTenant : DispatchProxy
{
    internal RecordingStorage Owner { get; set; } = null!;

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => Owner.Invoke(targetMethod!, args ?? []);
}
