using DhtRpc.Rpc;
using DhtRpc.Storage.HyperDht;
using DhtRpc.Wire;
using static DhtRpc.Storage.Tests.HyperDht.HyperDhtNetwork;

namespace DhtRpc.Storage.Tests.HyperDht;

/// <summary>
/// A client's handshake and hole punch reach a server announced at a node of ours and the server's
/// answer reaches the client, through the node, as between hyperdht nodes; the payloads pass untouched.
/// </summary>
public sealed class HyperDhtRelayTests
{
    private static readonly byte[] ClientNoise = [1, 2, 3, 4, 5];
    private static readonly byte[] ServerNoise = [9, 8, 7];

    private readonly HyperDhtNetwork _net = new(6);
    private readonly List<(RelayMode Mode, Ipv4Endpoint? PeerAddress)> _serverSaw = [];

    private DhtRpc.DhtNode Relay => _net.Swarm[2];

    [Fact]
    public void A_handshake_is_relayed_to_the_announced_server_and_its_reply_comes_back_to_the_client()
    {
        var (server, topic) = AnnouncedServer();

        var reply = _net.Request(_net.Client, Relay, HyperDhtCommands.PeerHandshake, topic, new HandshakeMessage(RelayMode.FromClient, ClientNoise, null, null).Encode());

        var (mode, clientAddress) = Assert.Single(_serverSaw);
        Assert.Equal(RelayMode.FromRelay, mode);
        Assert.NotNull(clientAddress);
        var hs = HandshakeMessage.Decode(reply.Value)!;
        Assert.Equal(RelayMode.Reply, hs.Mode);
        Assert.Equal(ServerNoise, hs.Noise.ToArray());
        Assert.Equal(EndpointOf(server).Port, hs.PeerAddress!.Value.Port);
        Assert.Equal(EndpointOf(Relay), reply.From.Endpoint);
    }

    [Fact]
    public void A_hole_punch_is_relayed_to_the_announced_server_and_back()
    {
        var (_, topic) = AnnouncedServer();

        var reply = _net.Request(_net.Client, Relay, HyperDhtCommands.PeerHolepunch, topic, new HolepunchMessage(RelayMode.FromClient, 7, ClientNoise, null).Encode());

        Assert.Equal(RelayMode.FromRelay, Assert.Single(_serverSaw).Mode);
        var hp = HolepunchMessage.Decode(reply.Value)!;
        Assert.Equal(RelayMode.Reply, hp.Mode);
        Assert.Equal(ServerNoise, hp.Payload.ToArray());
    }

    [Fact]
    public void A_handshake_for_a_server_nobody_announced_gets_an_empty_reply_with_closer_nodes()
    {
        var reply = _net.Request(_net.Client, Relay, HyperDhtCommands.PeerHandshake, NodeId.Random(), new HandshakeMessage(RelayMode.FromClient, ClientNoise, null, null).Encode());

        Assert.Equal(0UL, reply.Error);
        Assert.Null(reply.Value);
        Assert.NotEmpty(reply.CloserNodes);
        Assert.Equal(1, _net.Families[2].Stats.Unroutable);
    }

    [Fact]
    public void A_handshake_that_does_not_decode_is_refused_as_malformed()
    {
        var reply = _net.Request(_net.Client, Relay, HyperDhtCommands.PeerHandshake, NodeId.Random(), [0xFF]);

        Assert.Equal(HyperDhtRefusals.Malformed, reply.Error);
    }

    /// <summary>A node acting as a hyperdht server: it announces itself at the relay and answers what the relay forwards.</summary>
    private (DhtRpc.DhtNode Server, NodeId Topic) AnnouncedServer()
    {
        var key = NewKey(5);
        var peer = new PeerRecord(PublicKeyOf(key), []);
        var topic = HyperDhtFamily.TopicOf(peer.PublicKey);
        var server = _net.Swarm.Add(new DhtRpc.DhtNodeOptions { Ephemeral = true, Bootstrap = [_net.Swarm.BootstrapEntry] });
        server.RequestHandler = AnswerAsServer;
        _net.Swarm.Run(server.FullyBootstrappedAsync);
        var token = _net.TokenFrom(server, Relay, topic);
        var announced = _net.Request(server, Relay, HyperDhtCommands.Announce, topic, SignedAnnounce(key, topic, Relay.Id!.Value, token, peer), token);
        Assert.Equal(0UL, announced.Error);
        return (server, topic);
    }

    private void AnswerAsServer(IncomingRequest request)
    {
        if (request.Command == HyperDhtCommands.PeerHandshake && HandshakeMessage.Decode(request.Value) is { } hs)
        {
            _serverSaw.Add((hs.Mode, hs.PeerAddress));
            request.Relay(new HandshakeMessage(RelayMode.FromServer, ServerNoise, hs.PeerAddress, null).Encode(), request.From.Endpoint);
        }
        else if (request.Command == HyperDhtCommands.PeerHolepunch && HolepunchMessage.Decode(request.Value) is { } hp)
        {
            _serverSaw.Add((hp.Mode, hp.PeerAddress));
            request.Relay(new HolepunchMessage(RelayMode.FromServer, 0, ServerNoise, hp.PeerAddress).Encode(), request.From.Endpoint);
        }
    }
}
