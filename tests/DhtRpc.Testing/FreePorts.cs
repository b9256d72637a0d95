using System.Net;
using System.Net.Sockets;

namespace DhtRpc.Testing;

/// <summary>Free loopback UDP ports, found by binding port 0 and releasing it.</summary>
public static class FreePorts
{
    /// <summary>Below Linux's ephemeral range (32768-60999): the kernel never hands these out for port 0.</summary>
    private const int QuietStart = 20000;
    private const int QuietEnd = 32768;

    public static int Udp()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>
    /// A free port outside the ephemeral range, for a test that frees a port and binds it again later: a port
    /// from <see cref="Udp"/> can be handed to any socket binding port 0 meanwhile, this one cannot.
    /// </summary>
    public static int UdpOutsideEphemeralRange()
    {
        for (var attempt = 0; attempt < 500; attempt++)
        {
            var port = Random.Shared.Next(QuietStart, QuietEnd);
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
                return port;
            }
            catch (SocketException)
            {
                // Taken: try another.
            }
        }

        throw new InvalidOperationException($"No free UDP port between {QuietStart} and {QuietEnd} after 500 tries.");
    }
}
