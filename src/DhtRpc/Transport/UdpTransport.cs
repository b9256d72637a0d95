using System.Net;
using System.Net.Sockets;
using DhtRpc.Encoding;

namespace DhtRpc.Transport;

/// <summary>Real UDP sockets (IPv4).</summary>
public sealed class UdpTransport : IDatagramTransport
{
    public static UdpTransport Instance { get; } = new();

    public IDatagramSocket Bind(Ipv4Endpoint localEndpoint)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            // Linux reports ICMP port-unreachable as a receive error on the next ReceiveFrom; nothing to do with it.
            socket.Bind(localEndpoint.ToIPEndPoint());
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new DatagramBindException($"Cannot bind UDP {localEndpoint}: {e.SocketErrorCode}.", e);
        }

        return new UdpDatagramSocket(socket);
    }
}
