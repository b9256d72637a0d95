using DhtRpc.Crypto;
using DhtRpc.Simulation;
using DhtRpc.Transport;
using DhtRpc.Wire;

namespace DhtRpc.Tests.Scenarios;

/// <summary>
/// An attacker on a simulated network: many ports of one IP, each a valid node (its id is the hash of
/// its address) that answers every request with its id and, to any request with a target, with the
/// attacker's own ports closest to that target, never an honest node.
/// </summary>
internal sealed class SybilPorts
{
    private readonly List<(IDatagramSocket Socket, NodeId Id)> _ports = [];
    private readonly HashSet<Ipv4Endpoint> _endpoints = [];
    private readonly int _k;

    public SybilPorts(SimulationHost host, uint address, IEnumerable<ushort> ports, int k = 20)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(ports);
        _k = k;
        foreach (var port in ports)
        {
            var endpoint = new Ipv4Endpoint(address, port);
            var socket = host.Network.Bind(endpoint);
            _ports.Add((socket, Blake2b.NodeIdOf(endpoint)));
            _endpoints.Add(endpoint);
            socket.Start(OnDatagram);
        }
    }

    /// <summary>Requests the attacker's ports answered.</summary>
    public int Answered { get; private set; }

    public bool Owns(Ipv4Endpoint endpoint) => _endpoints.Contains(endpoint);

    /// <summary>The <paramref name="count"/> ports of <paramref name="address"/> whose ids are closest to <paramref name="key"/>.</summary>
    public static IEnumerable<ushort> PortsClosestTo(uint address, NodeId key, int count) =>
        Enumerable.Range(1024, 65536 - 1024)
            .Select(p => (Port: (ushort)p, Id: Blake2b.NodeIdOf(new Ipv4Endpoint(address, (ushort)p))))
            .Order(Comparer<(ushort Port, NodeId Id)>.Create((a, b) => key.CompareDistance(a.Id, b.Id)))
            .Take(count)
            .Select(p => p.Port)
            .ToList();

    /// <summary>Every port PINGs <paramref name="to"/> with its id, so that the node may add it to its table.</summary>
    public void Announce(Ipv4Endpoint to)
    {
        Span<byte> id = stackalloc byte[NodeId.Size];
        var tid = (ushort)0;
        foreach (var (socket, nodeId) in _ports)
        {
            nodeId.WriteTo(id);
            var ping = new RequestMessage { Tid = tid++, To = to, Id = id, Internal = true, Command = Commands.Ping };
            socket.Send(ping.ToArray(), to);
        }
    }

    private void OnDatagram(IDatagramSocket socket, ReadOnlySpan<byte> datagram, Ipv4Endpoint from)
    {
        if (!RequestMessage.TryDecode(datagram, out var request))
        {
            return;
        }

        var own = Blake2b.NodeIdOf(socket.LocalEndpoint).ToArray();
        var closer = request.HasTarget ? CloserNodes(NodeId.Read(request.Target)) : [];
        var reply = new ResponseMessage { Tid = request.Tid, To = from, Id = own, CloserNodesRaw = closer };
        socket.Send(reply.ToArray(), from);
        Answered++;
    }

    private byte[] CloserNodes(NodeId target)
    {
        var closest = _ports.OrderBy(p => p.Id, Comparer<NodeId>.Create((a, b) => target.CompareDistance(a, b))).Take(_k).ToList();
        var bytes = new byte[closest.Count * Ipv4Endpoint.EncodedSize];
        for (var i = 0; i < closest.Count; i++)
        {
            closest[i].Socket.LocalEndpoint.WriteTo(bytes.AsSpan(i * Ipv4Endpoint.EncodedSize));
        }

        return bytes;
    }
}
