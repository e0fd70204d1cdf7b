using System.Net;
using System.Net.Sockets;

namespace Reev.Cluster.TestKit;

/// <summary>Ports for servers a test starts on loopback.</summary>
public static class LoopbackPorts
{
    /// <summary>
    /// A free loopback port below Linux's ephemeral range (32768-60999), so that the outgoing connections of tests running
    /// alongside (database pools, HTTP clients) cannot be handed it between this check and the server's bind; the
    /// deploy/local scripts also use the ports after it.
    /// </summary>
    public static int Free()
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var port = Random.Shared.Next(20_000, 32_000);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken: try another.
            }
        }

        using var fallback = new TcpListener(IPAddress.Loopback, 0);
        fallback.Start();
        return ((IPEndPoint)fallback.LocalEndpoint).Port;
    }
}
