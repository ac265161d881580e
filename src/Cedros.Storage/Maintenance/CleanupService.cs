using Cedros.Storage.Configuration;
using Cedros.Storage.Observability;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cedros.Storage.Maintenance;

/// <summary>
/// Removes expired data (contract §13): when <c>storage.cleanup.enabled</c> is true (the default), once at start and
/// then every <c>storage.cleanup.interval</c>: expired admin nonces, expired idempotency keys, expired inventory
/// reservations (released) and webhooks completed more than <c>storage.cleanup.completed_webhook_retention</c> ago.
/// Each step runs even when an earlier one failed; failures are logged and counted. All steps act on every tenant.
/// </summary>
internal sealed class CleanupService(
    IServiceProvider services,
    IOptions<StorageOptions> options,
    TimeProvider timeProvider,
    StorageMetrics metrics,
    ILogger<CleanupService> logger)
    : MaintenanceService(services, timeProvider, metrics, logger)
{
    private readonly CleanupOptions _cleanup = options.Value.Cleanup;

    /// <inheritdoc />
    protected override string PassName => HousekeepingKinds.CleanupPass;

    /// <inheritdoc />
    protected override bool Enabled => _cleanup.Enabled;

    /// <inheritdoc />
    protected override TimeSpan Interval => _cleanup.Interval;

    /// <inheritdoc />
    protected override async Task RunPassAsync(ICedrosStorage storage, CancellationToken cancellationToken)
    {
        var started = TimeProvider.GetTimestamp();
        var store = storage.Default;
        var now = TimeProvider.GetUtcNow();
        var nonces = await StepAsync(HousekeepingKinds.ExpiredNonces,
            () => store.CleanupExpiredNoncesAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
        var keys = await StepAsync(HousekeepingKinds.ExpiredIdempotencyKeys,
            () => store.CleanupExpiredIdempotencyKeysAsync(cancellationToken), cancellationToken).ConfigureAwait(false);
        var reservations = await StepAsync(HousekeepingKinds.ExpiredInventoryReservations,
            async () => await store.CleanupExpiredInventoryReservationsAsync(now, cancellationToken).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);
        var webhooks = await StepAsync(HousekeepingKinds.CompletedWebhooks,
            () => store.CleanupCompletedWebhooksAsync(now - _cleanup.CompletedWebhookRetention, cancellationToken),
            cancellationToken).ConfigureAwait(false);
        var elapsedMs = TimeProvider.GetElapsedTime(started).TotalMilliseconds;
        if (nonces + keys + reservations + webhooks > 0)
            MaintenanceLog.Cleaned(Logger, nonces, keys, reservations, webhooks, elapsedMs);
        else
            MaintenanceLog.NothingToClean(Logger, elapsedMs);
    }

    private async Task<long> StepAsync(string kind, Func<Task<long>> step, CancellationToken cancellationToken)
    {
        try
        {
            var count = await step().ConfigureAwait(false);
            Metrics.RecordRows(kind, count);
            return count;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // One failing step must not stop the others; the next pass retries it.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Metrics.RecordFailure(PassName);
            MaintenanceLog.StepFailed(Logger, e, kind);
            return 0;
        }
    }
}
