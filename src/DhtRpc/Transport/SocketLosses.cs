using System.Net.Sockets;
using DhtRpc.Wire;

namespace DhtRpc.Transport;

/// <summary>
/// What one UDP socket could not deliver, counted from any thread, and the two steps both engines
/// share where losses happen: a plain send through the .NET socket, and handing a datagram to its handler.
/// </summary>
internal sealed class SocketLosses
{
    private long _sendErrors;
    private long _receiveErrors;
    private long _handlerErrors;

    public DatagramCounters Snapshot =>
        new(Interlocked.Read(ref _sendErrors), Interlocked.Read(ref _receiveErrors), Interlocked.Read(ref _handlerErrors));

    public void SendFailed() => Interlocked.Increment(ref _sendErrors);

    /// <summary>A receive error (an ICMP report surfacing on the socket) or a datagram refused before its handler.</summary>
    public void ReceiveFailed() => Interlocked.Increment(ref _receiveErrors);

    /// <summary>Sends one datagram; UDP is best effort, so a full buffer, an unreachable host or a closed socket is a counted loss.</summary>
    public void SendTo(Socket socket, ReadOnlySpan<byte> datagram, Ipv4Endpoint to)
    {
        try
        {
            socket.SendTo(datagram, SocketFlags.None, SocketAddressCodec.ForSend(to));
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            SendFailed();
        }
    }

    /// <summary>Hands a datagram to its handler; one that throws is counted and the receive loop goes on.</summary>
    public void Deliver(DatagramHandler handler, IDatagramSocket socket, ReadOnlySpan<byte> datagram, Ipv4Endpoint from)
    {
        try
        {
            handler(socket, datagram, from);
        }
#pragma warning disable CA1031 // A failing handler must not end the receive loop (for the batched engine: of every socket).
        catch (Exception)
#pragma warning restore CA1031
        {
            Interlocked.Increment(ref _handlerErrors);
        }
    }
}
