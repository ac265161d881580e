using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Cedros.Storage.Webhooks;

namespace Cedros.Storage.Tests.Webhooks;

/// <summary>One request the receiver got, and whether its Standard Webhooks signature verified.</summary>
public sealed record ReceivedWebhook(string Path, string? Id, string? Timestamp, string? Signature, string Body, bool SignatureValid,
    IReadOnlyDictionary<string, string> Headers);

/// <summary>A real HTTP receiver on loopback (HttpListener): verifies every signature with the secret of the path and
/// counts deliveries; <see cref="Respond"/> decides each answer (status, optional Retry-After), and may hang.</summary>
public sealed class LoopbackReceiver : IAsyncDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Func<string, string> _secretOfPath;
    private readonly Func<DateTimeOffset> _now;
    private readonly Task _loop;
    private readonly CancellationTokenSource _stop = new();

    public LoopbackReceiver(Func<string, string> secretOfPath, Func<DateTimeOffset> now)
    {
        _secretOfPath = secretOfPath;
        _now = now;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        BaseUrl = $"http://127.0.0.1:{port}";
        _listener.Prefixes.Add(BaseUrl + "/");
        _listener.Start();
        _loop = Task.Run(LoopAsync);
    }

    public string BaseUrl { get; }

    /// <summary>Decides the answer to a request: status code and an optional Retry-After value. Default 200.</summary>
    public Func<ReceivedWebhook, CancellationToken, Task<(int Status, string? RetryAfter)>> Respond { get; set; } =
        (_, _) => Task.FromResult((200, (string?)null));

    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    public int CountOf(string id) => Received.Count(r => r.Id == id);

    private async Task LoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested || !_listener.IsListening)
            {
                return;
            }
            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        try
        {
            using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var path = context.Request.Url!.AbsolutePath;
            var id = context.Request.Headers[StandardWebhookSignature.IdHeader];
            var timestamp = context.Request.Headers[StandardWebhookSignature.TimestampHeader];
            var signature = context.Request.Headers[StandardWebhookSignature.SignatureHeader];
            var valid = StandardWebhookSignature.Verify(_secretOfPath(path), id, timestamp, signature, body, _now());
            var headers = context.Request.Headers.AllKeys.Where(k => k is not null)
                .ToDictionary(k => k!, k => context.Request.Headers[k]!, StringComparer.OrdinalIgnoreCase);
            var received = new ReceivedWebhook(path, id, timestamp, signature, body, valid, headers);
            Received.Enqueue(received);
            var (status, retryAfter) = await Respond(received, _stop.Token);
            context.Response.StatusCode = status;
            if (retryAfter is not null) context.Response.Headers["Retry-After"] = retryAfter;
            context.Response.Close();
        }
        catch (Exception)
        {
            try { context.Response.Abort(); } catch (Exception) { /* the client went away */ }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        // Close alone: after Stop, the managed listener's Close looks the endpoint up again and binds the port anew,
        // which failed with "Address already in use" when another test had taken the port meanwhile (26 Nov CI run).
        try
        {
            _listener.Close();
        }
        catch (HttpListenerException)
        {
            // The port is released either way; nothing of this test depends on it.
        }
        try { await _loop; } catch (Exception) { /* stopping */ }
        _stop.Dispose();
    }
}
