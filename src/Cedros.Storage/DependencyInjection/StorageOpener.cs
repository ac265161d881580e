using Cedros.Storage;
using Cedros.Storage.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Opens the <see cref="ICedrosStorage"/> singleton through the factory matching <c>storage.backend</c>.</summary>
internal static class StorageOpener
{
    public static ICedrosStorage Open(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        StorageOptionsValidator.ThrowIfInvalid(options);
        var factory = FindFactory(services.GetServices<IStorageBackendFactory>(), options.Backend)
            ?? throw NoFactory(options.Backend);
        var time = services.GetRequiredService<TimeProvider>();
        // Slow-call warnings go to the container's logging unless the application set its own factory.
        options.LoggerFactory ??= services.GetService<ILoggerFactory>();
        // Sync-over-async, once per container; Task.Run keeps any synchronisation context out of the way.
        return Task.Run(() => factory.OpenAsync(options, time)).GetAwaiter().GetResult();
    }

    public static IStorageBackendFactory? FindFactory(IEnumerable<IStorageBackendFactory> factories, StorageBackend backend) =>
        factories.LastOrDefault(f => f.Backend == backend);

    public static StorageConfigurationException NoFactory(StorageBackend backend)
    {
        var (type, assembly) = backend switch
        {
            StorageBackend.Sqlite => ("SqliteBackendFactory", "Cedros.Storage.Sqlite"),
            StorageBackend.Postgres => ("PostgresBackendFactory", "Cedros.Storage.Postgres"),
            _ => ("InMemoryBackendFactory", "Cedros.Storage"),
        };
        return new StorageConfigurationException("storage.backend",
            $"no backend factory is registered for '{backend.ToString().ToLowerInvariant()}'; register it with "
            + $"services.AddCedrosStorage(...).AddBackend<{type}>() (assembly {assembly}).");
    }
}
