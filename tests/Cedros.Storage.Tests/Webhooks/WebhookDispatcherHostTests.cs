using Cedros.Storage.Configuration;
using Cedros.Storage.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Cedros.Storage.Tests.Webhooks;

/// <summary>The dispatcher as an application registers it: AddCedrosStorage + AddCedrosWebhookDispatcher in a host.</summary>
public sealed class WebhookDispatcherHostTests
{
    [Fact]
    public async Task A_host_with_AddCedrosWebhookDispatcher_delivers_the_queue_signed()
    {
        const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        await using var receiver = new LoopbackReceiver(_ => Secret, () => DateTimeOffset.UtcNow);
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddCedrosStorage(o => o.Backend = StorageBackend.Memory, _ => null);
        builder.Services.AddCedrosWebhookDispatcher(o =>
        {
            o.SigningSecret = _ => Secret;
            o.PollInterval = TimeSpan.FromMilliseconds(50);
        });
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var queue = host.Services.GetRequiredService<ICedrosStorage>().Default;
            var id = await queue.EnqueueWebhookAsync(new PendingWebhook { Url = receiver.BaseUrl + "/hooks", Payload = "{\"ok\":true}" });
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while ((await queue.GetWebhookAsync(id))!.Status != WebhookStatus.Success)
            {
                Assert.True(DateTime.UtcNow < deadline, "not delivered in 30 s");
                await Task.Delay(20);
            }
            var received = Assert.Single(receiver.Received);
            Assert.Equal(id, received.Id);
            Assert.True(received.SignatureValid);
        }
        finally
        {
            await host.StopAsync();
        }
    }
}
