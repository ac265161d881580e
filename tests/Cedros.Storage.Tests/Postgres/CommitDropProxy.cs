using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Cedros.Storage.Tests.Postgres;

/// <summary>
/// A TCP proxy in front of the test PostgreSQL that can lose a connection exactly at commit: once armed, it holds back
/// the server's replies on each connection until the ReadyForQuery that ends the exchange; if that exchange completed a
/// command whose tag matches (e.g. <c>INSERT</c> in autocommit, or <c>COMMIT</c>), the server has committed, and the
/// proxy closes both sides instead of passing the reply on. The client sees a broken connection and cannot know
/// whether its write was recorded: an ambiguous commit. Connect with <c>SSL Mode=Disable</c> (the stream must be
/// plain protocol messages).
/// </summary>
public sealed class CommitDropProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly string _serverHost;
    private readonly int _serverPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _open = [];
    private readonly Task _accepting;
    private volatile Func<string, bool>? _dropAfter;
    private int _dropped;

    public CommitDropProxy(string serverHost, int serverPort)
    {
        _serverHost = serverHost;
        _serverPort = serverPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Connections dropped at commit so far.</summary>
    public int Dropped => Volatile.Read(ref _dropped);

    /// <summary>From now on, drop any connection whose exchange completes a command whose tag satisfies
    /// <paramref name="tag"/>, after the server finished it.</summary>
    public void DropAfter(Func<string, bool> tag) => _dropAfter = tag;

    public void PassEverything() => _dropAfter = null;

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var server = new TcpClient();
            await server.ConnectAsync(_serverHost, _serverPort);
            lock (_open) _open.AddRange([client, server]);
            _ = PumpAsync(client.GetStream(), server.GetStream(), client, server);
            _ = RepliesAsync(server.GetStream(), client.GetStream(), client, server);
        }
    }

    private async Task PumpAsync(Stream from, Stream to, TcpClient a, TcpClient b)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int n;
            while ((n = await from.ReadAsync(buffer, _stop.Token)) > 0) await to.WriteAsync(buffer.AsMemory(0, n), _stop.Token);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or SocketException)
        {
        }
        Close(a, b);
    }

    /// <summary>Server to client, one protocol message at a time (type byte, length, body).</summary>
    private async Task RepliesAsync(Stream server, Stream client, TcpClient a, TcpClient b)
    {
        var held = new MemoryStream();
        var matched = false;
        var header = new byte[5];
        try
        {
            while (true)
            {
                await server.ReadExactlyAsync(header, _stop.Token);
                var length = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1));
                var body = new byte[length - 4];
                await server.ReadExactlyAsync(body, _stop.Token);
                var drop = _dropAfter;
                if (drop is null && held.Length == 0)
                {
                    await client.WriteAsync(header, _stop.Token);
                    await client.WriteAsync(body, _stop.Token);
                    continue;
                }
                held.Write(header);
                held.Write(body);
                if (header[0] == (byte)'C' && drop is not null && drop(Encoding.ASCII.GetString(body).TrimEnd('\0'))) matched = true;
                if (header[0] != (byte)'Z') continue;
                if (matched)
                {
                    Interlocked.Increment(ref _dropped);
                    break;
                }
                await client.WriteAsync(held.ToArray(), _stop.Token);
                held.SetLength(0);
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or SocketException or EndOfStreamException)
        {
        }
        Close(a, b);
    }

    private static void Close(TcpClient a, TcpClient b)
    {
        a.Close();
        b.Close();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        lock (_open)
            foreach (var c in _open) c.Close();
        _stop.Dispose();
    }
}
