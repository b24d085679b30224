using System.Net;
using System.Net.Sockets;

namespace Speck.Testbed;

/// <summary>Ports for the local brokers and engines the tests and the demo start.</summary>
public static class LoopbackPorts
{
    /// <summary>A port the OS just handed out on 127.0.0.1 and took back, free to bind at once.</summary>
    public static int PickFree()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }
}
