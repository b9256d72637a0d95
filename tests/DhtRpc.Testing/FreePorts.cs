using System.Net;
using System.Net.Sockets;

namespace DhtRpc.Testing;

/// <summary>Free loopback UDP ports, found by binding port 0 and releasing it.</summary>
public static class FreePorts
{
    public static int Udp()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }
}
