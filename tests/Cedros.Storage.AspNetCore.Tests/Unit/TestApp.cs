using Cedros.Storage.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Cedros.Storage.AspNetCore.Tests.Unit;

/// <summary>A small app on the in-memory backend and a test server, with the integration registered as documented.</summary>
public sealed class TestApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestApp(WebApplication app)
    {
        _app = app;
        Client = app.GetTestClient();
    }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    public static async Task<TestApp> StartAsync(Action<WebApplication> map, bool useCedrosStorage = true,
        Action<CedrosStorageHttpOptions>? http = null)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddCedrosStorage(o => o.Backend = StorageBackend.Memory, _ => null)
            .UseTenantAccessor<HttpTenantAccessor>();
        builder.Services.AddCedrosStorageAspNetCore(http);
        var app = builder.Build();
        try
        {
            if (useCedrosStorage)
                app.UseCedrosStorage();
            map(app);
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        return new TestApp(app);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
