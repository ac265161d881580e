using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The storage health check: <c>services.AddHealthChecks().AddCedrosStorage()</c>.</summary>
public static class CedrosStorageHealthChecksBuilderExtensions
{
    /// <summary>
    /// Adds a check named <paramref name="name"/> (default <c>cedros_storage</c>) that reads the database's migration
    /// history through the registered <see cref="Cedros.Storage.ICedrosStorage"/>: Healthy when the database answers
    /// and its schema version equals the library's; <paramref name="failureStatus"/> (default Unhealthy) when it
    /// cannot be reached or its schema is behind or ahead of the library.
    /// </summary>
    public static IHealthChecksBuilder AddCedrosStorage(this IHealthChecksBuilder builder, string name = "cedros_storage",
        HealthStatus? failureStatus = null, IEnumerable<string>? tags = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Add(new HealthCheckRegistration(name, sp => new CedrosStorageHealthCheck(sp), failureStatus, tags, timeout));
    }
}
