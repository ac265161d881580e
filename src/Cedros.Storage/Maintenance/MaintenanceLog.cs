using Microsoft.Extensions.Logging;

namespace Cedros.Storage.Maintenance;

/// <summary>Log messages of the maintenance services (source-generated).</summary>
internal static partial class MaintenanceLog
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Storage {Pass} service started; runs now and every {Interval}.")]
    public static partial void Started(ILogger logger, string pass, TimeSpan interval);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "Storage {Pass} service is disabled by configuration.")]
    public static partial void Disabled(ILogger logger, string pass);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Debug, Message = "Storage {Pass} service stopped.")]
    public static partial void Stopped(ILogger logger, string pass);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "Storage {Pass} pass failed; retrying at the next interval.")]
    public static partial void PassFailed(ILogger logger, Exception exception, string pass);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Error, Message = "Storage cleanup of {Kind} failed; retrying at the next interval.")]
    public static partial void StepFailed(ILogger logger, Exception exception, string kind);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Information, Message = "Archived {Count} payments created before {Cutoff:O} in {ElapsedMs:0.0} ms.")]
    public static partial void Archived(ILogger logger, long count, DateTimeOffset cutoff, double elapsedMs);

    [LoggerMessage(EventId = 1020, Level = LogLevel.Information,
        Message = "Cleanup removed {Nonces} expired nonces and {IdempotencyKeys} expired idempotency keys, released {Reservations} expired inventory reservations, deleted {Webhooks} completed webhooks in {ElapsedMs:0.0} ms.")]
    public static partial void Cleaned(ILogger logger, long nonces, long idempotencyKeys, long reservations, long webhooks, double elapsedMs);

    [LoggerMessage(EventId = 1021, Level = LogLevel.Information, Message = "Cleanup found nothing to remove in {ElapsedMs:0.0} ms.")]
    public static partial void NothingToClean(ILogger logger, double elapsedMs);
}
