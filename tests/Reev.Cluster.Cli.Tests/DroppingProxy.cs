using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Reev.Cluster.Cli.Tests;

/// <summary>
/// A loopback TCP proxy in front of the gateway that drops the first event stream after it has carried
/// <see cref="EventsBeforeDrop"/> events (both sockets closed mid-response), and records every request line and
/// header the client sent, so a test can see the reconnect and its <c>Last-Event-ID</c>.
/// </summary>
public sealed class DroppingProxy : IAsyncDisposable
{
    public const int EventsBeforeDrop = 3;

    private static readonly byte[] EventId = "\nid: "u8.ToArray();

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Uri _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly StringBuilder _requests = new();
    private readonly Task _accepting;
    private int _dropped;

    public DroppingProxy(string target)
    {
        _target = new Uri(target);
        _listener.Start();
        Url = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";
        _accepting = AcceptAsync();
    }

    public string Url { get; }

    /// <summary>True once an event stream was cut.</summary>
    public bool Dropped => Volatile.Read(ref _dropped) == 1;

    /// <summary>Everything the client sent, all connections, in arrival order per read.</summary>
    public string Requests
    {
        get
        {
            lock (_requests)
            {
                return _requests.ToString();
            }
        }
    }

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

            _ = Task.Run(() => RelayAsync(client));
        }
    }

    private async Task RelayAsync(TcpClient client)
    {
        using var _ = client;
        using var server = new TcpClient();
        await server.ConnectAsync(_target.Host, _target.Port, _stop.Token);
        var streaming = false;
        using var cut = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        var up = PumpAsync(client.GetStream(), server.GetStream(), (buffer, read) =>
        {
            var text = Encoding.UTF8.GetString(buffer, 0, read);
            lock (_requests)
            {
                _requests.Append(text);
            }

            streaming |= text.Contains("/events", StringComparison.Ordinal);
            return (read, false);
        }, cut.Token);
        var events = 0;
        var down = PumpAsync(server.GetStream(), client.GetStream(), (buffer, read) =>
        {
            if (!streaming || Dropped)
            {
                return (read, false);
            }

            // Forward up to (not including) the n-th event's "id: " line, then cut: the client has whole events
            // 1..n-1 and must resume after the last of them.
            for (var at = IndexOf(buffer, read, 0); at >= 0; at = IndexOf(buffer, read, at + EventId.Length))
            {
                if (++events == EventsBeforeDrop && Interlocked.Exchange(ref _dropped, 1) == 0)
                {
                    return (at, true);
                }
            }

            return (read, false);
        }, cut.Token);
        await Task.WhenAny(up, down);
        await cut.CancelAsync();
        client.Client.Close();
        server.Client.Close();
    }

    /// <summary>Copies until the end or an error; <paramref name="filter"/> says how much of a read to forward and whether to cut after it.</summary>
    private static async Task PumpAsync(NetworkStream from, NetworkStream to, Func<byte[], int, (int Forward, bool Cut)> filter, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReadAsync(buffer, ct);
                if (read == 0)
                {
                    return;
                }

                var (forward, cut) = filter(buffer, read);
                await to.WriteAsync(buffer.AsMemory(0, forward), ct);
                await to.FlushAsync(ct);
                if (cut)
                {
                    return;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // One side went away: the relay ends.
        }
    }

    private static int IndexOf(byte[] buffer, int length, int start)
    {
        var at = buffer.AsSpan(start, length - start).IndexOf(EventId);
        return at < 0 ? -1 : start + at;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
