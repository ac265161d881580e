using Cedros.Storage;
using Microsoft.Extensions.Hosting;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// Opens (and migrates) the <see cref="ICedrosStorage"/> singleton when the host starts, so configuration, connection
/// and migration errors stop the start-up instead of failing the first request.
/// </summary>
internal sealed class StorageInitializer(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) =>
        Task.Run(() => services.GetRequiredService<ICedrosStorage>(), cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
