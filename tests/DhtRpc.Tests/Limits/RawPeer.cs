using DhtRpc.Simulation;
using DhtRpc.Wire;

namespace DhtRpc.Tests.Limits;

/// <summary>
/// A bare socket on the simulated network that sends hand-made requests and keeps every datagram
/// it receives, as an attacker (or a forged source) would.
/// </summary>
internal sealed class RawPeer
{
    private readonly SimulatedSocket _socket;
    private ushort _tid;

    public RawPeer(SimulatedNetwork network, Ipv4Endpoint at)
    {
        _socket = network.Bind(at);
        _socket.Start((_, datagram, _) => Received.Add(datagram.ToArray()));
    }

    public List<byte[]> Received { get; } = [];

    public long BytesReceived => Received.Sum(d => (long)d.Length);

    public Ipv4Endpoint Endpoint => _socket.LocalEndpoint;

    /// <summary>Sends one request; returns its size on the wire.</summary>
    public int Send(Ipv4Endpoint to, ulong command, bool isInternal, NodeId? target = null, byte[]? value = null, byte[]? token = null)
    {
        Span<byte> targetBytes = stackalloc byte[NodeId.Size];
        target?.WriteTo(targetBytes);
        var message = new RequestMessage
        {
            Tid = _tid++,
            To = to,
            Internal = isInternal,
            Command = command,
            Target = target is null ? default : targetBytes,
            Token = token,
            HasValue = value is not null,
            Value = value,
        };
        var bytes = message.ToArray();
        _socket.Send(bytes, to);
        return bytes.Length;
    }

    /// <summary>The replies received so far, decoded (datagrams that are not replies are skipped).</summary>
    public List<(ulong Error, byte[]? Token, int Size, int ValueLength)> Replies()
    {
        var replies = new List<(ulong, byte[]?, int, int)>();
        foreach (var datagram in Received)
        {
            if (ResponseMessage.TryDecode(datagram, out var reply))
            {
                replies.Add((reply.Error, reply.HasToken ? reply.Token.ToArray() : null, datagram.Length, reply.HasValue ? reply.Value.Length : -1));
            }
        }

        return replies;
    }
}
