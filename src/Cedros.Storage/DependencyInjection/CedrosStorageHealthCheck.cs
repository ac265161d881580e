using Cedros.Storage;
using Cedros.Storage.Observability;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Healthy when the storage opens, its database answers and its schema version equals the library's; Unhealthy when
/// the database cannot be reached (or the storage cannot be opened) or its schema is behind or ahead of the library.
/// </summary>
internal sealed class CedrosStorageHealthCheck(IServiceProvider services) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var failure = context.Registration.FailureStatus;
        try
        {
            // Resolving opens the singleton on first use; a database that is down fails here.
            var storage = await Task.Run(services.GetRequiredService<ICedrosStorage>, cancellationToken).ConfigureAwait(false);
            if (storage is not IStorageHealth health)
                return HealthCheckResult.Healthy("storage answers no schema question (not a Cedros backend).");
            var version = await health.GetSchemaVersionAsync(cancellationToken).ConfigureAwait(false);
            var data = new Dictionary<string, object>
            {
                ["schema_version"] = version.Applied,
                ["library_schema_version"] = version.Known,
            };
            if (version.Applied < version.Known)
                return new HealthCheckResult(failure,
                    $"database schema is at version {version.Applied}, behind this library ({version.Known}); run the migrations.", data: data);
            if (version.Applied > version.Known)
                return new HealthCheckResult(failure,
                    $"database schema is at version {version.Applied}, newer than this library knows ({version.Known}); upgrade the library.", data: data);
            return HealthCheckResult.Healthy($"database answers; schema version {version.Applied}.", data);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A health check reports any failure as unhealthy.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return new HealthCheckResult(failure, $"database cannot be reached: {ex.Message}", ex);
        }
    }
}
