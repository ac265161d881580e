using System.Diagnostics.Metrics;
using Cedros.Storage;
using Cedros.Storage.Caching;
using Cedros.Storage.Configuration;
using Cedros.Storage.InMemory;
using Cedros.Storage.Maintenance;
using Cedros.Storage.Observability;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Cedros storage layer.</summary>
/// <remarks>
/// <para>Registrations (all <c>TryAdd</c>, so an earlier registration of your own wins):
/// <see cref="StorageOptions"/> validated on start; <see cref="TimeProvider.System"/>; a scoped
/// <see cref="ITenantAccessor"/> answering <c>default</c>; the in-memory <see cref="IStorageBackendFactory"/>; the
/// singleton <see cref="ICedrosStorage"/>; a scoped <see cref="ITenantStorage"/> for the accessor's tenant and, scoped
/// from it, <see cref="IStore"/>, each store interface (<see cref="ICartQuoteStore"/>, <see cref="IPaymentLedger"/>, …)
/// and the three repositories (products and coupons through the cache when <c>storage.caching.enabled</c>);
/// <see cref="StorageMetrics"/>; and three hosted services: <c>StorageInitializer</c> (opens and migrates the storage
/// at host start, so a bad connection string or a failed migration stops the start-up), <see cref="ArchivalService"/>
/// and <see cref="CleanupService"/> (each does nothing when disabled in configuration).</para>
/// <para>Opening is asynchronous but DI resolution is not: the <see cref="ICedrosStorage"/> singleton is opened once,
/// by its first resolution, blocking that caller (on a thread-pool thread, so no synchronisation context can
/// deadlock). Under the generic host that first resolution is the <c>StorageInitializer</c> at start-up, so requests
/// never block on it. Without a host, call
/// <see cref="CedrosStorageServiceProviderExtensions.InitializeCedrosStorageAsync"/> once after building the provider.
/// The container owns the storage and disposes it with <c>DisposeAsync</c>.</para>
/// <para>The SQLite and PostgreSQL backends live in their own assemblies; add the one you use with
/// <c>.AddBackend&lt;SqliteBackendFactory&gt;()</c> or <c>.AddBackend&lt;PostgresBackendFactory&gt;()</c> (or
/// <c>services.AddSingleton&lt;IStorageBackendFactory, SqliteBackendFactory&gt;()</c>). When no factory matches
/// <c>storage.backend</c>, start-up fails naming the key.</para>
/// </remarks>
public static class CedrosStorageServiceCollectionExtensions
{
    /// <summary>Adds the storage layer, configured from the <c>storage</c> section of <paramref name="configuration"/>.</summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration root (keys <c>storage:*</c>).</param>
    /// <param name="environment">Reads environment variables (default: the process environment); for tests.</param>
    public static CedrosStorageBuilder AddCedrosStorage(this IServiceCollection services, IConfiguration configuration,
        Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton<IConfigureOptions<StorageOptions>>(
            new ConfigureOptions<StorageOptions>(o => StorageOptionsBinder.Bind(configuration, o, environment)));
        return AddCore(services);
    }

    /// <summary>
    /// Adds the storage layer, configured in code. The seed's environment variables
    /// (<see cref="StorageEnvironment"/>) are applied first; <paramref name="configure"/> overrides them.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configure">Sets the options.</param>
    /// <param name="environment">Reads environment variables (default: the process environment); for tests.</param>
    public static CedrosStorageBuilder AddCedrosStorage(this IServiceCollection services, Action<StorageOptions> configure,
        Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.Configure<StorageOptions>(o =>
        {
            StorageOptionsBinder.BindEnvironment(o, environment);
            configure(o);
        });
        return AddCore(services);
    }

    private static CedrosStorageBuilder AddCore(IServiceCollection services)
    {
        // A storage registered by the application itself needs no factory.
        var storageProvided = services.Any(d => d.ServiceType == typeof(ICedrosStorage));
        services.AddOptions<StorageOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>());
        if (!storageProvided)
            services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StorageOptions>, BackendFactoryValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStorageBackendFactory, InMemoryBackendFactory>());
        services.TryAddScoped<ITenantAccessor>(_ => new FixedTenantAccessor());

        services.TryAddSingleton(StorageOpener.Open);
        services.TryAddScoped(sp => sp.GetRequiredService<ICedrosStorage>().ForTenant(sp.GetRequiredService<ITenantAccessor>().TenantId));
        AddPart<IStore>(services);
        AddPart<ICartQuoteStore>(services);
        AddPart<IRefundQuoteStore>(services);
        AddPart<IOrderStore>(services);
        AddPart<IFulfillmentStore>(services);
        AddPart<IInventoryStore>(services);
        AddPart<IPaymentLedger>(services);
        AddPart<IAdminNonceStore>(services);
        AddPart<IWebhookQueue>(services);
        AddPart<IIdempotencyStore>(services);
        AddPart<IStripeSessionStore>(services);
        services.TryAddScoped(sp => sp.GetRequiredService<ITenantStorage>().Subscriptions);

        services.AddMemoryCache();
        services.TryAddSingleton(sp => new StorageCatalogCache(sp.GetRequiredService<IMemoryCache>(),
            sp.GetRequiredService<IOptions<StorageOptions>>().Value.Caching.Ttl, sp.GetRequiredService<TimeProvider>()));
        services.TryAddScoped<IProductRepository>(sp =>
        {
            var tenant = sp.GetRequiredService<ITenantStorage>();
            return CachingEnabled(sp)
                ? new CachedProductRepository(tenant.Products, sp.GetRequiredService<StorageCatalogCache>(), tenant.TenantId)
                : tenant.Products;
        });
        services.TryAddScoped<ICouponRepository>(sp =>
        {
            var tenant = sp.GetRequiredService<ITenantStorage>();
            return CachingEnabled(sp)
                ? new CachedCouponRepository(tenant.Coupons, sp.GetRequiredService<StorageCatalogCache>(), tenant.TenantId)
                : tenant.Coupons;
        });

        services.TryAddSingleton(sp => new StorageMetrics(sp.GetService<IMeterFactory>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, StorageInitializer>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ArchivalService>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, CleanupService>());
        return new CedrosStorageBuilder(services);
    }

    private static void AddPart<TPart>(IServiceCollection services) where TPart : class =>
        services.TryAddScoped<TPart>(sp => (TPart)(object)sp.GetRequiredService<ITenantStorage>());

    private static bool CachingEnabled(IServiceProvider sp) =>
        sp.GetRequiredService<IOptions<StorageOptions>>().Value.Caching.Enabled;
}
