using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using DhtRpc.Wire;

namespace DhtRpc.Transport;

/// <summary>
/// Reads and writes IPv4 socket addresses in place (port at bytes 2–3 big-endian, address at 4–7, as
/// every platform lays out sockaddr_in), so sending and receiving allocate nothing per datagram.
/// The layout is checked once against the runtime's own serialisation; if it differs, the slow path is used.
/// </summary>
internal static class SocketAddressCodec
{
    [ThreadStatic]
    private static SocketAddress? t_sendAddress;

    public static bool LayoutIsKnown { get; } = CheckLayout();

    public static Ipv4Endpoint Read(SocketAddress address)
    {
        if (!LayoutIsKnown)
        {
            return Ipv4Endpoint.FromIPEndPoint((IPEndPoint)new IPEndPoint(IPAddress.Any, 0).Create(address));
        }

        var bytes = address.Buffer.Span;
        return new Ipv4Endpoint(BinaryPrimitives.ReadUInt32BigEndian(bytes[4..8]), BinaryPrimitives.ReadUInt16BigEndian(bytes[2..4]));
    }

    /// <summary>A socket address for <paramref name="endpoint"/>, reused per thread (valid until the next call on this thread).</summary>
    public static SocketAddress ForSend(Ipv4Endpoint endpoint)
    {
        if (!LayoutIsKnown)
        {
            return endpoint.ToIPEndPoint().Serialize();
        }

        var address = t_sendAddress ??= new IPEndPoint(IPAddress.Any, 0).Serialize();
        var bytes = address.Buffer.Span;
        BinaryPrimitives.WriteUInt16BigEndian(bytes[2..4], endpoint.Port);
        BinaryPrimitives.WriteUInt32BigEndian(bytes[4..8], endpoint.Address);
        return address;
    }

    private static bool CheckLayout()
    {
        var probe = new IPEndPoint(new IPAddress([1, 2, 3, 4]), 0x1234).Serialize();
        var bytes = probe.Buffer.Span;
        return probe.Family == AddressFamily.InterNetwork && bytes.Length >= 8 &&
            bytes[2] == 0x12 && bytes[3] == 0x34 && bytes[4] == 1 && bytes[5] == 2 && bytes[6] == 3 && bytes[7] == 4;
    }
}
