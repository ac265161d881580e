using Cedros.Storage.Configuration;
using Cedros.Storage.Observability;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cedros.Storage.Maintenance;

/// <summary>
/// Archives old payment signatures (contract §13, seed <c>ArchiveOldPayments</c>): when
/// <c>storage.archival.enabled</c> is true, once at start and then every <c>storage.archival.run_interval</c>, moves
/// ledger rows created before <c>now − storage.archival.retention_period</c> to the archive table (across all tenants).
/// Several instances may run it at once: each batch moves rows in one transaction.
/// </summary>
internal sealed class ArchivalService(
    IServiceProvider services,
    IOptions<StorageOptions> options,
    TimeProvider timeProvider,
    StorageMetrics metrics,
    ILogger<ArchivalService> logger)
    : MaintenanceService(services, timeProvider, metrics, logger)
{
    private readonly ArchivalOptions _archival = options.Value.Archival;

    /// <inheritdoc />
    protected override string PassName => HousekeepingKinds.ArchivalPass;

    /// <inheritdoc />
    protected override bool Enabled => _archival.Enabled;

    /// <inheritdoc />
    protected override TimeSpan Interval => _archival.RunInterval;

    /// <inheritdoc />
    protected override async Task RunPassAsync(ICedrosStorage storage, CancellationToken cancellationToken)
    {
        var started = TimeProvider.GetTimestamp();
        var cutoff = TimeProvider.GetUtcNow() - _archival.RetentionPeriod;
        var count = await storage.Default.ArchiveOldPaymentsAsync(cutoff, cancellationToken).ConfigureAwait(false);
        Metrics.RecordRows(HousekeepingKinds.ArchivedPayments, count);
        var elapsedMs = TimeProvider.GetElapsedTime(started).TotalMilliseconds;
        MaintenanceLog.Archived(Logger, count, cutoff, elapsedMs);
    }
}
