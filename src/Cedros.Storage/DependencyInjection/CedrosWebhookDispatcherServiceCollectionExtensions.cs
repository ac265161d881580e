using System.Diagnostics.Metrics;
using Cedros.Storage.Observability;
using Cedros.Storage.Webhooks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the webhook dispatcher (docs/webhooks.md).</summary>
public static class CedrosWebhookDispatcherServiceCollectionExtensions
{
    /// <summary>
    /// Adds a hosted service that delivers the webhook queue of the registered <see cref="Cedros.Storage.ICedrosStorage"/>
    /// (call <c>AddCedrosStorage</c> too): claims batches, POSTs each webhook with the Standard Webhooks headers, retries
    /// on the schedule or the receiver's <c>Retry-After</c>, and acknowledges in batches. The HTTP client is the named
    /// client <c>"Cedros.Storage.Webhooks"</c> of <c>IHttpClientFactory</c> (configure it with
    /// <c>services.AddHttpClient("Cedros.Storage.Webhooks")</c>). Run it in as many instances as you like: claims are exclusive.
    /// </summary>
    public static IServiceCollection AddCedrosWebhookDispatcher(this IServiceCollection services, Action<WebhookDispatcherOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<WebhookDispatcherOptions>();
        if (configure is not null) options.Configure(configure);
        services.AddHttpClient(WebhookDispatcher.HttpClientName, c => c.Timeout = Timeout.InfiniteTimeSpan);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new StorageMetrics(sp.GetService<IMeterFactory>()));   // as AddCedrosStorage registers it
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, WebhookDispatcher>());
        return services;
    }
}
