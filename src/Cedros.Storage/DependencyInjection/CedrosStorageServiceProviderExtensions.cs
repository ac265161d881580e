using Cedros.Storage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Start-up help for applications without the generic host.</summary>
public static class CedrosStorageServiceProviderExtensions
{
    /// <summary>
    /// Opens and migrates the storage singleton now (what the host's <c>StorageInitializer</c> does at start), so the
    /// first resolution on a request path does not block. Returns the storage.
    /// </summary>
    public static Task<ICedrosStorage> InitializeCedrosStorageAsync(this IServiceProvider services,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        return Task.Run(() => services.GetRequiredService<ICedrosStorage>(), cancellationToken);
    }
}
