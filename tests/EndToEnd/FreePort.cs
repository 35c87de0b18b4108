using System.Net;
using System.Net.Sockets;

namespace Metering.Tests.EndToEnd;

/// <summary>A TCP port free on loopback right now.</summary>
internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
