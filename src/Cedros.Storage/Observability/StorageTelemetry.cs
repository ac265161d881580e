using System.Diagnostics;
using System.Diagnostics.Metrics;
using Cedros.Storage.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cedros.Storage.Observability;

/// <summary>
/// The spans, measurements and slow-call log of every contract call of one storage (docs/observability.md lists
/// them all). Every call passes <see cref="RunAsync{T}"/>; with no listener attached and the slow-call log off it costs
/// one flag check.
/// </summary>
internal sealed partial class StorageTelemetry : IDisposable
{
    /// <summary>The <see cref="System.Diagnostics.ActivitySource"/> and <see cref="Meter"/> name.</summary>
    public const string SourceName = "Cedros.Storage";

    internal static readonly ActivitySource Source = new(SourceName, typeof(StorageTelemetry).Assembly.GetName().Version?.ToString());

    private readonly string _system;
    private readonly Dictionary<string, string> _collections;
    private readonly ILogger _logger;
    private readonly long _slowTicks;
    private readonly Meter _meter;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _errors;

    public StorageTelemetry(string system, StorageOptions options)
    {
        _system = system;
        _collections = options.SchemaMapping.Entries().ToDictionary(e => e.Entity, e => e.Value, StringComparer.Ordinal);
        _logger = options.LoggerFactory?.CreateLogger(SourceName) ?? NullLogger.Instance;
        var threshold = options.Observability?.SlowCallThreshold ?? TimeSpan.Zero;
        _slowTicks = threshold > TimeSpan.Zero && _logger.IsEnabled(LogLevel.Warning)
            ? (long)(threshold.TotalSeconds * Stopwatch.Frequency)
            : 0;
        _meter = new Meter(SourceName, typeof(StorageTelemetry).Assembly.GetName().Version?.ToString());
        _duration = _meter.CreateHistogram<double>("cedros.storage.operation.duration", "s",
            "Duration of storage calls, by operation, backend and outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });
        _errors = _meter.CreateCounter<long>("cedros.storage.errors", "{error}", "Storage calls that failed, by operation and error kind.");
        Refusals = new RefusalCounters(_meter, system);
    }

    /// <summary>The backend's <c>db.system.name</c>.</summary>
    public string System => _system;

    /// <summary>The meter of this storage's instruments.</summary>
    public Meter Meter => _meter;

    /// <summary>Counters of refusals that matter to operators (replays, nonce reuse, limits, lost leases).</summary>
    public RefusalCounters Refusals { get; }

    /// <summary>Runs <paramref name="body"/> as the contract call <paramref name="operation"/> on
    /// <paramref name="entity"/>'s table for <paramref name="tenant"/>.</summary>
    public Task<T> RunAsync<T>(string operation, string? entity, string tenant, Func<CancellationToken, Task<T>> body,
        CancellationToken cancellationToken)
    {
        if (!Observed) return Unobserved(body, cancellationToken);
        return ObserveAsync(operation, entity, tenant, body, cancellationToken);
    }

    /// <summary>As <see cref="RunAsync{T}"/> for a call without a result; unobserved, the body's own task is returned
    /// (no wrapper: record payment, acks and the like await one frame less).</summary>
    public Task RunAsync(string operation, string? entity, string tenant, Func<CancellationToken, Task> body,
        CancellationToken cancellationToken)
    {
        if (!Observed) return Unobserved(body, cancellationToken);
        return ObserveAsync(operation, entity, tenant, async ct =>
        {
            await body(ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <summary>The body's own task; a body that throws before returning one (a check in a lambda that is not
    /// <c>async</c>) still fails through the task, as an <c>async</c> method would.</summary>
    private static Task<T> Unobserved<T>(Func<CancellationToken, Task<T>> body, CancellationToken cancellationToken)
    {
        try
        {
            return body(cancellationToken);
        }
        catch (Exception ex)
        {
            return FailedAsync<T>(ex);
        }
    }

    private static Task Unobserved(Func<CancellationToken, Task> body, CancellationToken cancellationToken)
    {
        try
        {
            return body(cancellationToken);
        }
        catch (Exception ex)
        {
            return FailedAsync<bool>(ex);
        }
    }

    // Rethrown from an async method so the task ends exactly as the body's would have: cancelled for a cancellation.
#pragma warning disable CS1998
    private static async Task<T> FailedAsync<T>(Exception ex)
    {
        global::System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ex);
        return default!;
    }
#pragma warning restore CS1998

    private bool Observed => Source.HasListeners() || _duration.Enabled || _errors.Enabled || Refusals.Enabled || _slowTicks != 0;

    private async Task<T> ObserveAsync<T>(string operation, string? entity, string tenant, Func<CancellationToken, Task<T>> body,
        CancellationToken cancellationToken)
    {
        var collection = entity is not null && _collections.TryGetValue(entity, out var table) ? table : null;
        using var activity = Source.HasListeners() ? Start(operation, collection, tenant) : null;
        var started = Stopwatch.GetTimestamp();
        string? errorType = null;
        try
        {
            return await body(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            errorType = ErrorType(ex);
            activity?.SetStatus(ActivityStatusCode.Error, ex.Message);
            activity?.SetTag("error.type", errorType);
            _errors.Add(1, new("db.operation.name", operation), new("db.system.name", _system), new("error.type", errorType));
            Refusals.Observe(operation, ex);
            throw;
        }
        finally
        {
            var elapsed = Stopwatch.GetTimestamp() - started;
            if (_duration.Enabled)
            {
                var tags = new TagList
                {
                    { "db.operation.name", operation },
                    { "db.system.name", _system },
                    { "cedros.storage.outcome", errorType is null ? "ok" : "error" },
                };
                if (errorType is not null) tags.Add("error.type", errorType);
                _duration.Record((double)elapsed / Stopwatch.Frequency, tags);
            }
            if (_slowTicks > 0 && elapsed >= _slowTicks)
                LogSlowCall(operation, tenant, Stopwatch.GetElapsedTime(started, started + elapsed).TotalMilliseconds, errorType ?? "ok");
        }
    }

    private Activity? Start(string operation, string? collection, string tenant)
    {
        var activity = Source.StartActivity(collection is null ? operation : $"{operation} {collection}", ActivityKind.Client);
        if (activity is null) return null;
        activity.SetTag("db.system.name", _system);
        activity.SetTag("db.operation.name", operation);
        if (collection is not null) activity.SetTag("db.collection.name", collection);
        activity.SetTag("cedros.tenant", tenant);
        return activity;
    }

    /// <summary>The <c>error.type</c> of a failure: the storage error kind, or the exception's type.</summary>
    internal static string ErrorType(Exception ex) => ex switch
    {
        StorageException storage => KindTag(storage.Kind),
        OperationCanceledException => "cancelled",
        _ => ex.GetType().FullName ?? ex.GetType().Name,
    };

    /// <summary>The snake_case tag value of an error kind (<c>not_found</c>, <c>limit_reached</c>, …).</summary>
    internal static string KindTag(StorageErrorKind kind) => kind switch
    {
        StorageErrorKind.NotFound => "not_found",
        StorageErrorKind.Conflict => "conflict",
        StorageErrorKind.Validation => "validation",
        StorageErrorKind.Expired => "expired",
        StorageErrorKind.LimitReached => "limit_reached",
        StorageErrorKind.Unavailable => "unavailable",
        _ => "internal",
    };

    [LoggerMessage(EventId = 1, EventName = "SlowStorageCall", Level = LogLevel.Warning,
        Message = "Slow storage call {Operation} for tenant {Tenant}: {ElapsedMs:0.0} ms ({Outcome})")]
    private partial void LogSlowCall(string operation, string tenant, double elapsedMs, string outcome);

    public void Dispose() => _meter.Dispose();
}
