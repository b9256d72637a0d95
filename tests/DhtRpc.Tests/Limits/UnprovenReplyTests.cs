using DhtRpc.Limits;
using DhtRpc.Wire;
using Xunit;

namespace DhtRpc.Tests.Limits;

/// <summary>
/// What a node sends to an address that never presented a valid token: no reply larger than one
/// datagram (a TOKEN_REQUIRED error with a token instead), a byte budget per address, and PING_NAT
/// answers only a few times and never to a service port.
/// </summary>
public sealed class UnprovenReplyTests
{
    private const ulong BigCommand = 7;
    private const ulong SmallCommand = 8;
    private static readonly byte[] BigValue = new byte[5000];

    private static void Serve(DhtNode server) => server.RequestHandler = request =>
        request.Reply(request.Command == BigCommand ? BigValue : [1, 2, 3]);

    [Fact]
    public void A_large_reply_to_an_unproven_address_becomes_a_token_required_error_and_comes_whole_with_the_token()
    {
        var network = new LimitedNetwork(new NodeLimits(), configure: Serve);
        var raw = network.Raw("20.0.0.2");

        network.Exchange(() => raw.Send(network.To, BigCommand, isInternal: false));
        var first = Assert.Single(raw.Replies());
        network.Exchange(() => raw.Send(network.To, BigCommand, isInternal: false, token: first.Token));

        Assert.Equal(ErrorCodes.TokenRequired, first.Error);
        Assert.NotNull(first.Token);
        Assert.True(first.Size <= 1472, $"the cut reply was {first.Size} bytes");
        Assert.Equal(-1, first.ValueLength);
        var second = raw.Replies()[1];
        Assert.Equal(0ul, second.Error);
        Assert.Equal(BigValue.Length, second.ValueLength);
        Assert.Equal(1, network.Server.Stats.Limited.RepliesCutToTokenRequired);
    }

    [Fact]
    public void Our_requests_and_queries_ask_again_with_the_token_and_get_the_whole_value()
    {
        var network = new LimitedNetwork(new NodeLimits(), configure: Serve);
        var client = network.Client("20.0.0.3");

        var (direct, queried) = network.Swarm.Run(async () =>
        {
            var response = await client.RequestAsync(new Rpc.DhtRequest(BigCommand, NodeId.Random()), network.To);
            var replies = await client.Query(NodeId.Random(), BigCommand).ToListAsync();
            return (response, replies);
        });

        Assert.Equal(BigValue.Length, direct.Value!.Length);
        var reply = Assert.Single(queried);
        Assert.Equal(BigValue.Length, reply.Value!.Length);
        Assert.Equal(2, client.Stats.Requests.TokenRetries);
    }

    [Fact]
    public void An_unproven_address_is_sent_at_most_its_byte_budget_and_a_proven_one_everything()
    {
        var network = new LimitedNetwork(new NodeLimits { UnprovenBytesPerSecond = 2000, UnprovenBurstBytes = 2000 }, configure: Serve);
        var raw = network.Raw("20.0.0.2");

        network.Exchange(() =>
        {
            for (var i = 0; i < 500; i++)
            {
                raw.Send(network.To, Commands.FindNode, isInternal: true, target: NodeId.Random());
            }
        });
        var unproven = raw.BytesReceived;

        var proven = network.Raw("20.0.1.2");
        network.Exchange(() => proven.Send(network.To, SmallCommand, isInternal: false));
        var token = Assert.Single(proven.Replies()).Token;
        network.Exchange(() =>
        {
            for (var i = 0; i < 500; i++)
            {
                proven.Send(network.To, Commands.FindNode, isInternal: true, target: NodeId.Random(), token: token);
            }
        });

        Assert.InRange(unproven, 1, 2000 + 200);
        Assert.True(network.Server.Stats.Limited.UnprovenRepliesOverBytes > 0);
        Assert.Equal(501, proven.Replies().Count);
    }

    [Fact]
    public void Ping_nat_answers_a_few_times_and_never_to_a_service_port()
    {
        var network = new LimitedNetwork(new NodeLimits());
        var asking = network.Raw("20.0.0.2");
        var named = network.Raw("20.0.0.2", port: 6000);
        var service = network.Raw("20.0.0.2", port: 80);

        network.Exchange(() =>
        {
            asking.Send(network.To, Commands.PingNat, isInternal: true, value: [80, 0]);
            for (var i = 0; i < 10; i++)
            {
                asking.Send(network.To, Commands.PingNat, isInternal: true, value: [0x70, 0x17]);
            }
        });

        Assert.Empty(service.Received);
        Assert.Equal(4, named.Replies().Count);
        Assert.Equal(1, network.Server.Stats.Limited.PingNatsToPrivilegedPorts);
        Assert.Equal(6, network.Server.Stats.Limited.PingNatsOverRate);
    }
}
