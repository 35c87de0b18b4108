using System.Net;
using System.Net.Sockets;

namespace Metering.Bench;

/// <summary>Free TCP ports on 127.0.0.1, so a developer's silo (11111, 30000, 8081) and API (8080) are left alone.</summary>
internal static class LoopbackPort
{
    /// <summary>A port the kernel had free a moment ago; another program could take it before it is used (rare, and then the start fails loudly).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
