using Cedros.Storage.Caching;
using Cedros.Storage.Configuration;
using Cedros.Storage.InMemory;
using Cedros.Storage.Maintenance;
using Cedros.Storage.Tests.Maintenance;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Cedros.Storage.Tests.Unit;

public sealed class DependencyInjectionTests
{
    private static readonly Func<string, string?> NoEnv = _ => null;

    private static IConfiguration Config(params (string Key, string? Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)))
            .Build();

    private static IConfiguration Memory(params (string Key, string? Value)[] values) =>
        Config([("storage:backend", "memory"), .. values]);

    private sealed class AcmeAccessor : ITenantAccessor
    {
        public string TenantId => "acme";
    }

    /// <summary>A SQLite stand-in that opens an in-memory storage and counts opens.</summary>
    private sealed class CountingSqliteFactory : IStorageBackendFactory
    {
        public int Opens;
        public StorageOptions? Options;
        public TimeProvider? Time;
        public StorageBackend Backend => StorageBackend.Sqlite;

        public Task<ICedrosStorage> OpenAsync(StorageOptions options, TimeProvider timeProvider, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref Opens);
            Options = options;
            Time = timeProvider;
            return Task.FromResult<ICedrosStorage>(new InMemoryStorage(options, timeProvider));
        }
    }

    private sealed class RecordingFactory(RecordingStorage storage) : IStorageBackendFactory
    {
        public StorageBackend Backend => StorageBackend.Memory;

        public Task<ICedrosStorage> OpenAsync(StorageOptions options, TimeProvider timeProvider, CancellationToken cancellationToken = default) =>
            Task.FromResult<ICedrosStorage>(storage);
    }

    [Fact]
    public async Task The_memory_backend_resolves_a_tenant_storage_for_the_default_tenant()
    {
        var services = new ServiceCollection();
        services.AddCedrosStorage(Memory(), NoEnv);
        await using var provider = services.BuildServiceProvider(validateScopes: true);
        await using var scope = provider.CreateAsyncScope();

        var tenant = scope.ServiceProvider.GetRequiredService<ITenantStorage>();

        Assert.Equal(TenantIds.Default, tenant.TenantId);
        Assert.IsType<InMemoryStorage>(provider.GetRequiredService<ICedrosStorage>());
    }

    [Fact]
    public async Task The_tenant_comes_from_the_scoped_accessor()
    {
        var services = new ServiceCollection();
        services.AddCedrosStorage(Memory(), NoEnv).UseTenantAccessor<AcmeAccessor>();
        await using var provider = services.BuildServiceProvider(validateScopes: true);
        await using var scope = provider.CreateAsyncScope();

        Assert.Equal("acme", scope.ServiceProvider.GetRequiredService<ITenantStorage>().TenantId);
    }

    [Fact]
    public async Task An_accessor_registered_before_AddCedrosStorage_wins()
    {
        var services = new ServiceCollection();
        services.AddScoped<ITenantAccessor>(_ => new FixedTenantAccessor("shop-7"));
        services.AddCedrosStorage(Memory(), NoEnv);
        await using var provider = services.BuildServiceProvider(validateScopes: true);
        await using var scope = provider.CreateAsyncScope();

        Assert.Equal("shop-7", scope.ServiceProvider.GetRequiredService<IStore>() is ITenantStorage t ? t.TenantId : null);
    }

    [Fact]
    public async Task Every_store_interface_resolves_to_the_scopes_tenant_storage()
    {
        var services = new ServiceCollection();
        services.AddCedrosStorage(Memory(), NoEnv);
        await using var provider = services.BuildServiceProvider(validateScopes: true);
        await using var scope = provider.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var tenant = sp.GetRequiredService<ITenantStorage>();

        Assert.Same(tenant, sp.GetRequiredService<IStore>());
        Assert.Same(tenant, sp.GetRequiredService<ICartQuoteStore>());
        Assert.Same(tenant, sp.GetRequiredService<IRefundQuoteStore>());
        Assert.Same(tenant, sp.GetRequiredService<IOrderStore>());
        Assert.Same(tenant, sp.GetRequiredService<IFulfillmentStore>());
        Assert.Same(tenant, sp.GetRequiredService<IInventoryStore>());
        Assert.Same(tenant, sp.GetRequiredService<IPaymentLedger>());
        Assert.Same(tenant, sp.GetRequiredService<IAdminNonceStore>());
        Assert.Same(tenant, sp.GetRequiredService<IWebhookQueue>());
        Assert.Same(tenant, sp.GetRequiredService<IIdempotencyStore>());
        Assert.Same(tenant, sp.GetRequiredService<IStripeSessionStore>());
        Assert.NotNull(sp.GetRequiredService<IProductRepository>());
        Assert.NotNull(sp.GetRequiredService<ICouponRepository>());
        Assert.NotNull(sp.GetRequiredService<ISubscriptionRepository>());
        Assert.IsNotType<CachedProductRepository>(sp.GetRequiredService<IProductRepository>());
    }

    [Fact]
    public async Task Scopes_get_their_own_tenant_storage_over_one_shared_storage()
    {
        var services = new ServiceCollection();
        services.AddCedrosStorage(Memory(), NoEnv);
        await using var provider = services.BuildServiceProvider(validateScopes: true);
        await using var one = provider.CreateAsyncScope();
        await using var two = provider.CreateAsyncScope();

        Assert.NotSame(one.ServiceProvider.GetRequiredService<ITenantStorage>(), two.ServiceProvider.GetRequiredService<ITenantStorage>());
        Assert.Same(one.ServiceProvider.GetRequiredService<ICedrosStorage>(), two.ServiceProvider.GetRequiredService<ICedrosStorage>());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Caching_wraps_the_product_and_coupon_repositories(bool fromConfiguration)
    {
        var services = new ServiceCollection();
        var builder = services.AddCedrosStorage(fromConfiguration ? Memory(("storage:caching:enabled", "true")) : Memory(), NoEnv);
        if (!fromConfiguration)
            builder.AddCaching(TimeSpan.FromSeconds(5));
        await using var provider = services.BuildServiceProvider(validateScopes: true);
        await using var scope = provider.CreateAsyncScope();

        Assert.IsType<CachedProductRepository>(scope.ServiceProvider.GetRequiredService<IProductRepository>());
        Assert.IsType<CachedCouponRepository>(scope.ServiceProvider.GetRequiredService<ICouponRepository>());
        Assert.Equal(fromConfiguration ? TimeSpan.FromSeconds(30) : TimeSpan.FromSeconds(5),
            provider.GetRequiredService<StorageCatalogCache>().Ttl);
    }

    [Fact]
    public async Task A_registered_backend_factory_opens_the_storage_once_with_the_options_and_clock()
    {
        var factory = new CountingSqliteFactory();
        var time = new FakeTimeProvider();
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(time);
        services.AddCedrosStorage(Config(("storage:sqlite:path", "x.db")), NoEnv).AddBackend(factory);
        await using var provider = services.BuildServiceProvider(validateScopes: true);

        var storage = await provider.InitializeCedrosStorageAsync();
        await using (var scope = provider.CreateAsyncScope())
            scope.ServiceProvider.GetRequiredService<ITenantStorage>();

        Assert.Same(storage, provider.GetRequiredService<ICedrosStorage>());
        Assert.Equal(1, factory.Opens);
        Assert.Equal("x.db", factory.Options!.Sqlite.Path);
        Assert.Same(time, factory.Time);
    }

    [Fact]
    public async Task AddBackend_of_a_type_registers_the_factory()
    {
        var services = new ServiceCollection();
        services.AddCedrosStorage(Config(), NoEnv).AddBackend<CountingSqliteFactory>().AddBackend<CountingSqliteFactory>();
        await using var provider = services.BuildServiceProvider();

        Assert.Single(provider.GetServices<IStorageBackendFactory>(), f => f is CountingSqliteFactory);
        Assert.IsType<InMemoryStorage>(provider.GetRequiredService<ICedrosStorage>());
    }

    [Theory]
    [InlineData("sqlite", "SqliteBackendFactory")]
    [InlineData("postgres", "PostgresBackendFactory")]
    public async Task A_backend_without_a_registered_factory_fails_with_a_clear_error(string backend, string factoryName)
    {
        var services = new ServiceCollection();
        services.AddCedrosStorage(Config(("storage:backend", backend), ("storage:postgres:connection_string", "Host=db")), NoEnv);
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<ICedrosStorage>());

        Assert.Contains("storage.backend", error.Message, StringComparison.Ordinal);
        Assert.Contains(factoryName, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_value_that_does_not_parse_fails_resolution_naming_the_key()
    {
        var services = new ServiceCollection();
        services.AddCedrosStorage(Memory(("storage:cleanup:interval", "often")), NoEnv);
        await using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<StorageConfigurationException>(() => provider.GetRequiredService<ICedrosStorage>());
        Assert.Equal("storage.cleanup.interval", error.Key);
    }

    [Fact]
    public async Task Code_configuration_applies_the_seeds_environment_variables_first()
    {
        var env = new Dictionary<string, string> { ["CEDROS_STORAGE_ARCHIVAL_ENABLED"] = "true", ["CEDROS_STORAGE_ARCHIVAL_RUN_INTERVAL"] = "1h" };
        var services = new ServiceCollection();
        services.AddCedrosStorage(o =>
        {
            o.Backend = StorageBackend.Memory;
            o.Archival.RunInterval = TimeSpan.FromHours(2);
        }, env.GetValueOrDefault);
        await using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<StorageOptions>>().Value;
        Assert.True(options.Archival.Enabled);
        Assert.Equal(TimeSpan.FromHours(2), options.Archival.RunInterval);
    }

    [Fact]
    public async Task Builder_Configure_runs_after_configuration_binding()
    {
        var services = new ServiceCollection();
        services.AddCedrosStorage(Memory(("storage:housekeeping_batch_size", "100")), NoEnv)
            .Configure(o => o.HousekeepingBatchSize *= 2);
        await using var provider = services.BuildServiceProvider();

        Assert.Equal(200, provider.GetRequiredService<IOptions<StorageOptions>>().Value.HousekeepingBatchSize);
    }

    [Fact]
    public async Task The_hosted_services_are_registered_once_in_order()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddCedrosStorage(Memory(), NoEnv);
        services.AddCedrosStorage(Memory(), NoEnv);
        await using var provider = services.BuildServiceProvider();

        var hosted = provider.GetServices<IHostedService>().Select(s => s.GetType().Name).ToList();
        Assert.Equal(["StorageInitializer", nameof(ArchivalService), nameof(CleanupService)], hosted);
    }

    [Fact]
    public async Task WithoutMaintenance_removes_archival_and_cleanup()
    {
        var services = new ServiceCollection();
        services.AddCedrosStorage(Memory(), NoEnv).WithoutMaintenance();
        await using var provider = services.BuildServiceProvider();

        Assert.Equal(["StorageInitializer"], provider.GetServices<IHostedService>().Select(s => s.GetType().Name));
    }

    [Fact]
    public async Task Disposing_the_provider_disposes_the_storage()
    {
        var storage = new RecordingStorage();
        var services = new ServiceCollection();
        services.AddCedrosStorage(Memory(), NoEnv).AddBackend(new RecordingFactory(storage));
        var provider = services.BuildServiceProvider();
        Assert.Same(storage, provider.GetRequiredService<ICedrosStorage>());

        await provider.DisposeAsync();

        Assert.True(storage.Disposed);
    }

    private static HostApplicationBuilder HostBuilder(params (string Key, string? Value)[] values)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value)));
        builder.Services.AddLogging();
        return builder;
    }

    [Fact]
    public async Task The_host_opens_the_storage_at_start()
    {
        var factory = new CountingSqliteFactory();
        var builder = HostBuilder(("storage:cleanup:enabled", "false"));
        builder.Services.AddCedrosStorage(builder.Configuration, NoEnv).AddBackend(factory);
        using var host = builder.Build();

        Assert.Equal(0, factory.Opens);
        await host.StartAsync();
        Assert.Equal(1, factory.Opens);
        await host.StopAsync();
    }

    [Theory]
    [InlineData("storage:archival:run_interval", "0", "storage.archival.run_interval")]
    [InlineData("storage:postgres:max_pool_size", "0", "storage.postgres.max_pool_size")]
    [InlineData("storage:schema_mapping:orders:table_name", "orders; drop", "storage.schema_mapping.orders.table_name")]
    public async Task Invalid_configuration_stops_the_host_at_start_naming_the_key(string key, string value, string expectedKey)
    {
        var builder = HostBuilder(("storage:backend", "memory"), (key, value));
        builder.Services.AddCedrosStorage(builder.Configuration, NoEnv);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(expectedKey, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_factory_stops_the_host_at_start()
    {
        var builder = HostBuilder(("storage:backend", "postgres"), ("storage:postgres:connection_string", "Host=db"));
        builder.Services.AddCedrosStorage(builder.Configuration, NoEnv);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("PostgresBackendFactory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_value_that_does_not_parse_stops_the_host_with_a_StorageConfigurationException()
    {
        var builder = HostBuilder(("storage:backend", "memory"), ("storage:archival:retention_period", "90 days"));
        builder.Services.AddCedrosStorage(builder.Configuration, NoEnv);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<StorageConfigurationException>(() => host.StartAsync());
        Assert.Equal("storage.archival.retention_period", error.Key);
    }

    [Fact]
    public async Task A_storage_registered_by_the_application_needs_no_factory()
    {
        var storage = new RecordingStorage();
        var services = new ServiceCollection();
        services.AddSingleton<ICedrosStorage>(storage);
        services.AddCedrosStorage(Config(), NoEnv);
        await using var provider = services.BuildServiceProvider();

        _ = provider.GetRequiredService<IOptions<StorageOptions>>().Value;
        Assert.Same(storage, provider.GetRequiredService<ICedrosStorage>());
    }

    [Fact]
    public async Task Postgres_without_a_connection_string_stops_the_host_naming_the_key()
    {
        var builder = HostBuilder(("storage:backend", "postgres"));
        builder.Services.AddCedrosStorage(builder.Configuration, NoEnv);
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("storage.postgres.connection_string", error.Message, StringComparison.Ordinal);
    }
}
