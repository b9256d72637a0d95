using System.Net;
using System.Net.Sockets;
using DhtRpc.Encoding;

namespace DhtRpc.Transport;

/// <summary>Real UDP sockets (IPv4).</summary>
public sealed class UdpTransport : IDatagramTransport
{
    public static UdpTransport Instance { get; } = new();

    /// <summary>
    /// Lets socket completions run on the runtime's I/O thread instead of hopping to the thread pool.
    /// For a process that mostly serves DHT traffic this removes a thread wake-up per datagram (the
    /// dominant cost under load). It is process-wide and read once: call it first thing in Main, before
    /// any socket exists. Request handlers must then not block, or they hold up every socket.
    /// </summary>
    public static void UseInlineSocketCompletions() =>
        Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");

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
