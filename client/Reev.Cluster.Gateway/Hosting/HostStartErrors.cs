using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace Reev.Cluster.Gateway.Hosting;

/// <summary>What a failed start of a web host means, for the processes that turn it into an exit code (gateway, silo).</summary>
public static class HostStartErrors
{
    /// <summary>The port was taken: Kestrel's bind failure (an IOException around the socket's error).</summary>
    public static bool IsAddressInUse(Exception ex) =>
        ex is AddressInUseException
        || (ex is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse })
        || (ex is IOException && ex.InnerException is not null && IsAddressInUse(ex.InnerException));
}
