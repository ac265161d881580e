using Cedros.Storage.Observability;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Cedros.Storage.Maintenance;

/// <summary>
/// A housekeeping loop: one pass at start, then one per interval on a <see cref="PeriodicTimer"/> driven by the
/// injected <see cref="TimeProvider"/>. A pass that throws is logged and counted, and the next interval runs again; a
/// tick missed while a pass was running is run once, right after it. Shutdown cancels the wait and the running pass.
/// The storage is resolved from the container when a pass runs (the <c>StorageInitializer</c> has normally opened it
/// already), so constructing the service never blocks on the database.
/// </summary>
internal abstract class MaintenanceService : BackgroundService
{
    private readonly IServiceProvider _services;

    /// <summary>Creates the loop.</summary>
    /// <param name="services">Resolves <see cref="ICedrosStorage"/> when a pass runs.</param>
    /// <param name="timeProvider">Clock and timer.</param>
    /// <param name="metrics">Where passes are counted.</param>
    /// <param name="logger">Where passes are logged.</param>
    protected MaintenanceService(IServiceProvider services, TimeProvider timeProvider, StorageMetrics metrics, ILogger logger)
    {
        _services = services;
        TimeProvider = timeProvider;
        Metrics = metrics;
        Logger = logger;
    }

    /// <summary>Clock and timer.</summary>
    protected TimeProvider TimeProvider { get; }

    /// <summary>Metrics.</summary>
    protected StorageMetrics Metrics { get; }

    /// <summary>Logger.</summary>
    protected ILogger Logger { get; }

    /// <summary>The pass name for logs and metrics (<c>archival</c>, <c>cleanup</c>).</summary>
    protected abstract string PassName { get; }

    /// <summary>Whether the loop runs at all.</summary>
    protected abstract bool Enabled { get; }

    /// <summary>Time between passes.</summary>
    protected abstract TimeSpan Interval { get; }

    /// <summary>One pass; exceptions are logged by the caller.</summary>
    protected abstract Task RunPassAsync(ICedrosStorage storage, CancellationToken cancellationToken);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Enabled)
        {
            MaintenanceLog.Disabled(Logger, PassName);
            return;
        }
        MaintenanceLog.Started(Logger, PassName, Interval);
        // The timer exists before the first pass, so a tick during that pass is not lost.
        using var timer = new PeriodicTimer(Interval, TimeProvider);
        try
        {
            do
            {
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown.
        }
        MaintenanceLog.Stopped(Logger, PassName);
    }

    /// <summary>Runs one pass now: never throws except for cancellation of <paramref name="cancellationToken"/>.</summary>
    public async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        var started = TimeProvider.GetTimestamp();
        try
        {
            var storage = _services.GetRequiredService<ICedrosStorage>();
            await RunPassAsync(storage, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A housekeeping loop must survive any failure and try again next interval.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Metrics.RecordFailure(PassName);
            MaintenanceLog.PassFailed(Logger, e, PassName);
        }
        finally
        {
            Metrics.RecordDuration(PassName, TimeProvider.GetElapsedTime(started));
        }
    }
}
