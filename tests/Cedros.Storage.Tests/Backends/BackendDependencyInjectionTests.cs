using Cedros.Storage.Postgres;
using Cedros.Storage.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Cedros.Storage.Tests.Backends;

/// <summary>The real backends opened the way an application does: configuration → AddCedrosStorage → scoped handles.</summary>
public sealed class BackendDependencyInjectionTests : IClassFixture<PostgresFixture>, IDisposable
{
    private readonly PostgresFixture _postgres;
    private readonly string _dir = Directory.CreateTempSubdirectory("cedros-di-").FullName;

    public BackendDependencyInjectionTests(PostgresFixture postgres) => _postgres = postgres;

    [Fact]
    public async Task Sqlite_configured_by_keys_opens_a_real_file_and_serves_the_accessors_tenant()
    {
        var path = Path.Combine(_dir, "app.db");
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["storage:backend"] = "sqlite",
            ["storage:sqlite:path"] = path,
        }).Build();

        await RoundTripAsync(configuration, builder => builder.AddBackend<SqliteBackendFactory>());

        Assert.True(File.Exists(path));
    }

    [Fact]
    public async Task Postgres_configured_by_connection_string_serves_the_accessors_tenant()
    {
        var connectionString = await _postgres.CreateSchemaAsync();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["storage:backend"] = "postgres",
            ["storage:postgres:connection_string"] = connectionString,
        }).Build();

        await RoundTripAsync(configuration, builder => builder.AddBackend<PostgresBackendFactory>());
    }

    [Theory]
    [InlineData("memory")]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task A_container_disposed_synchronously_disposes_the_storage(string backend)
    {
        var settings = new Dictionary<string, string?> { ["storage:backend"] = backend };
        if (backend == "sqlite") settings["storage:sqlite:path"] = Path.Combine(_dir, "sync-dispose.db");
        if (backend == "postgres") settings["storage:postgres:connection_string"] = await _postgres.CreateSchemaAsync();
        var services = new ServiceCollection();
        services.AddCedrosStorage(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), _ => null)
            .AddBackend<Cedros.Storage.InMemory.InMemoryBackendFactory>()
            .AddBackend<SqliteBackendFactory>()
            .AddBackend<PostgresBackendFactory>()
            .WithoutMaintenance();
        var provider = services.BuildServiceProvider(validateScopes: true);
        await provider.InitializeCedrosStorageAsync();
        using (var scope = provider.CreateScope())
            await scope.ServiceProvider.GetRequiredService<IPaymentLedger>().RecordPaymentAsync(
                new PaymentTransaction { Signature = "sig-sync-" + backend, ResourceId = "prod-1", Amount = 5, AmountAsset = "USDC" });
        var storage = provider.GetRequiredService<ICedrosStorage>();

        provider.Dispose(); // used to throw: the storage was only IAsyncDisposable

        // The storage was disposed with the container: it no longer serves calls.
        await Assert.ThrowsAnyAsync<ObjectDisposedException>(() => storage.Default.RecordPaymentAsync(
            new PaymentTransaction { Signature = "sig-after-" + backend, ResourceId = "prod-1", Amount = 5, AmountAsset = "USDC" }));
    }

    private static async Task RoundTripAsync(IConfiguration configuration, Action<CedrosStorageBuilder> addBackend)
    {
        var services = new ServiceCollection();
        addBackend(services.AddCedrosStorage(configuration, _ => null).UseTenantAccessor<AcmeTenant>().WithoutMaintenance());
        await using var provider = services.BuildServiceProvider(validateScopes: true);
        await provider.InitializeCedrosStorageAsync();

        await using (var scope = provider.CreateAsyncScope())
        {
            var ledger = scope.ServiceProvider.GetRequiredService<IPaymentLedger>();
            await ledger.RecordPaymentAsync(new PaymentTransaction { Signature = "sig-di", ResourceId = "prod-1", Amount = 5, AmountAsset = "USDC" });
        }

        var storage = provider.GetRequiredService<ICedrosStorage>();
        Assert.NotNull(await storage.ForTenant("acme").GetPaymentAsync("sig-di"));
        Assert.Null(await storage.Default.GetPaymentAsync("sig-di"));
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private sealed class AcmeTenant : ITenantAccessor
    {
        public string TenantId => "acme";
    }
}
