using Cedros.Storage;
using Cedros.Storage.Configuration;
using Cedros.Storage.Maintenance;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Further configuration of the storage layer, returned by <c>AddCedrosStorage</c>.</summary>
public sealed class CedrosStorageBuilder
{
    internal CedrosStorageBuilder(IServiceCollection services) => Services = services;

    /// <summary>The service collection.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// Registers a backend factory, e.g. <c>AddBackend&lt;SqliteBackendFactory&gt;()</c> or
    /// <c>AddBackend&lt;PostgresBackendFactory&gt;()</c>; the one whose <see cref="IStorageBackendFactory.Backend"/>
    /// matches <c>storage.backend</c> opens the storage (the last registered wins when several match).
    /// </summary>
    public CedrosStorageBuilder AddBackend<TFactory>() where TFactory : class, IStorageBackendFactory
    {
        Services.TryAddEnumerable(ServiceDescriptor.Singleton<IStorageBackendFactory, TFactory>());
        return this;
    }

    /// <summary>Registers a backend factory instance.</summary>
    public CedrosStorageBuilder AddBackend(IStorageBackendFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        Services.AddSingleton(factory);
        return this;
    }

    /// <summary>Replaces the tenant accessor (scoped), e.g. one that reads the tenant from the HTTP request.</summary>
    public CedrosStorageBuilder UseTenantAccessor<TAccessor>() where TAccessor : class, ITenantAccessor
    {
        Services.Replace(ServiceDescriptor.Scoped<ITenantAccessor, TAccessor>());
        return this;
    }

    /// <summary>Changes options after configuration binding (runs after the <c>storage</c> section is bound).</summary>
    public CedrosStorageBuilder Configure(Action<StorageOptions> configure)
    {
        Services.Configure(configure);
        return this;
    }

    /// <summary>
    /// Caches product and coupon reads (same as <c>storage.caching.enabled = true</c>); <paramref name="ttl"/>
    /// overrides <c>storage.caching.ttl</c>. Each instance caches for itself: writes made by another instance are seen
    /// after at most the TTL.
    /// </summary>
    public CedrosStorageBuilder AddCaching(TimeSpan? ttl = null) => Configure(o =>
    {
        o.Caching.Enabled = true;
        if (ttl is { } value)
            o.Caching.Ttl = value;
    });

    /// <summary>
    /// Removes the archival and cleanup hosted services, for a process that must not run housekeeping (e.g. when a
    /// separate worker runs it). Running them on several instances at once is safe, so this is rarely needed.
    /// </summary>
    public CedrosStorageBuilder WithoutMaintenance()
    {
        for (var i = Services.Count - 1; i >= 0; i--)
        {
            var descriptor = Services[i];
            if (descriptor.ServiceType == typeof(IHostedService)
                && (descriptor.ImplementationType == typeof(ArchivalService) || descriptor.ImplementationType == typeof(CleanupService)))
                Services.RemoveAt(i);
        }
        return this;
    }
}
