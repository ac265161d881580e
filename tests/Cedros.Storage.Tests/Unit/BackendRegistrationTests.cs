using Cedros.Storage.Configuration;
using Cedros.Storage.InMemory;
using Cedros.Storage.Postgres;
using Cedros.Storage.Sqlite;
using Cedros.Storage.Tests.Observability;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Cedros.Storage.Tests.Unit;

/// <summary><c>UseSqlite</c> / <c>UsePostgres</c> from the backend assemblies, and the container's logging reaching
/// the storage.</summary>
public sealed class BackendRegistrationTests : IDisposable
{
    private static readonly Func<string, string?> NoEnv = _ => null;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "cedros-di-tests", Guid.NewGuid().ToString("N"));

    public BackendRegistrationTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task UseSqlite_registers_the_factory_sets_the_backend_and_opens_the_file()
    {
        var path = Path.Combine(_dir, "app.db");
        var services = new ServiceCollection();
        services.AddCedrosStorage(o => o.Backend = StorageBackend.Memory, NoEnv).UseSqlite(path);
        await using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<StorageOptions>>().Value;
        Assert.Equal(StorageBackend.Sqlite, options.Backend);
        Assert.Equal(path, options.Sqlite.Path);
        var storage = await provider.InitializeCedrosStorageAsync();
        Assert.IsType<SqliteStorage>(storage);
        Assert.True(File.Exists(path));
    }

    [Fact]
    public async Task UseSqlite_with_options_changes_them_after_binding()
    {
        var services = new ServiceCollection();
        services.AddCedrosStorage(_ => { }, NoEnv).UseSqlite(o =>
        {
            o.Path = Path.Combine(_dir, "b.db");
            o.Synchronous = SqliteSynchronous.Normal;
        });
        await using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<StorageOptions>>().Value;
        Assert.Equal(StorageBackend.Sqlite, options.Backend);
        Assert.Equal(SqliteSynchronous.Normal, options.Sqlite.Synchronous);
        Assert.Contains(provider.GetServices<IStorageBackendFactory>(), f => f is SqliteBackendFactory);
    }

    [Fact]
    public async Task UsePostgres_registers_the_factory_and_sets_backend_and_connection_string()
    {
        const string cs = "Host=db.example;Database=cedros;Username=app;Password=secret";
        var services = new ServiceCollection();
        services.AddCedrosStorage(_ => { }, NoEnv).UsePostgres(cs);
        await using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<StorageOptions>>().Value;
        Assert.Equal(StorageBackend.Postgres, options.Backend);
        Assert.Equal(cs, options.Postgres.ConnectionString);
        Assert.Contains(provider.GetServices<IStorageBackendFactory>(), f => f is PostgresBackendFactory);
    }

    [Fact]
    public async Task UsePostgres_with_options_and_AddBackend_still_work_together()
    {
        var services = new ServiceCollection();
        services.AddCedrosStorage(_ => { }, NoEnv)
            .AddBackend<PostgresBackendFactory>()
            .UsePostgres(o =>
            {
                o.ConnectionString = "Host=h;Database=d";
                o.MaxPoolSize = 7;
            });
        await using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<StorageOptions>>().Value;
        Assert.Equal(7, options.Postgres.MaxPoolSize);
        Assert.Single(provider.GetServices<IStorageBackendFactory>(), f => f is PostgresBackendFactory);
    }

    [Fact]
    public async Task The_containers_logger_factory_reaches_the_storage_so_slow_calls_are_logged()
    {
        using var capture = new CapturingLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(capture));
        services.AddCedrosStorage(o => o.Observability.SlowCallThreshold = TimeSpan.FromTicks(1), NoEnv)
            .UseSqlite(Path.Combine(_dir, "slow.db"));
        await using var provider = services.BuildServiceProvider();
        var storage = await provider.InitializeCedrosStorageAsync();

        await storage.Default.HasPaymentBeenProcessedAsync("sig-1");

        var slow = Assert.Single(capture.Entries, e => e.EventId.Name == "SlowStorageCall");
        Assert.Equal(LogLevel.Warning, slow.Level);
        Assert.Contains("HasPaymentBeenProcessed", slow.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_logger_factory_set_by_the_application_is_kept()
    {
        using var mine = new CapturingLoggerProvider();
        using var mineFactory = new LoggerFactory([mine]);
        using var container = new CapturingLoggerProvider();
        var services = new ServiceCollection();
        services.AddLogging(b => b.AddProvider(container));
        services.AddCedrosStorage(o =>
        {
            o.Backend = StorageBackend.Memory;
            o.LoggerFactory = mineFactory;
            o.Observability.SlowCallThreshold = TimeSpan.FromTicks(1);
        }, NoEnv);
        await using var provider = services.BuildServiceProvider();
        var storage = await provider.InitializeCedrosStorageAsync();
        Assert.IsType<InMemoryStorage>(storage);

        await storage.Default.HasPaymentBeenProcessedAsync("sig-1");
        await storage.Default.HasPaymentBeenProcessedAsync("sig-2");

        Assert.Contains(mine.Entries, e => e.EventId.Name == "SlowStorageCall");
        Assert.DoesNotContain(container.Entries, e => e.EventId.Name == "SlowStorageCall");
    }
}
