using DhtRpc.Wire;
using DhtRpc.Rpc;
using DhtRpc.Simulation;
using DhtRpc.Tests.Node;
using Xunit;

namespace DhtRpc.Tests.Scenarios;

/// <summary>dht-rpc test.js scenarios 26–28 and 38 on the simulated network: relay, filterNode, sessions, rtt.</summary>
public sealed class RequestScenarios
{
    // Port of test.js "relay".
    [Fact]
    public void Scenario26_Relay()
    {
        const ulong Route = 1;
        var swarm = new SimulatedSwarm().Make(4);
        var (a, b, c) = (swarm[1], swarm[2], swarm[3]);
        var aEndpoint = Ipv4Endpoint.Loopback(a.Address!.Value.Port);
        var bEndpoint = Ipv4Endpoint.Loopback(b.Address!.Value.Port);
        var cEndpoint = Ipv4Endpoint.Loopback(c.Address!.Value.Port);

        var atB = new List<(ulong Command, int FromPort)>();
        b.RequestHandler = req =>
        {
            atB.Add((req.Command, req.From.Endpoint.Port));
            req.Relay([.. req.Value!, (byte)'b'], cEndpoint);
        };

        var atC = new List<(ulong Command, int FromPort)>();
        c.RequestHandler = req =>
        {
            atC.Add((req.Command, req.From.Endpoint.Port));
            req.Reply([.. req.Value!, (byte)'c'], new ReplyOptions { To = aEndpoint });
        };

        var res = swarm.Run(() => a.RequestAsync(new DhtRequest(Route, Value: "a"u8.ToArray()), bEndpoint));

        Assert.Equal([(Route, aEndpoint.Port)], atB); // b got the request, from a
        Assert.Equal([(Route, bEndpoint.Port)], atC); // c got it relayed, from b
        Assert.Equal("abc"u8.ToArray(), res.Value);
        Assert.Equal(cEndpoint.Port, res.From.Endpoint.Port);
        Assert.Equal(aEndpoint.Port, res.To.Port);
    }

    // Port of test.js "filter nodes from routing table".
    [Fact]
    public void Scenario27_FilterNodesFromRoutingTable()
    {
        var swarm = new SimulatedSwarm().Make(3);
        var (a, b, c) = (swarm[0], swarm[1], swarm[2]);
        var bPort = b.PublicEndpoint!.Value.Port;
        var node = swarm.Add(new DhtNodeOptions
        {
            Ephemeral = false,
            Bootstrap = [$"localhost:{a.ServerEndpoint!.Value.Port}"],
            FilterNode = from => from.Port != bPort,
        });

        var query = node.FindNode(c.Id!.Value);
        swarm.Run(() => query.Completion);

        var table = swarm.Run(node.GetRoutingTableAsync);
        Assert.DoesNotContain(table, n => n.Id == b.Id); // should not have b
        Assert.Contains(table, n => n.Id == c.Id); // added: the filter is selective, c got in
    }

    // Port of test.js "request session, destroy all".
    [Fact]
    public void Scenario28_RequestSessionDestroyAll()
    {
        var swarm = new SimulatedSwarm().Make(3);
        var (a, b) = (swarm[1], swarm[2]);
        var aEndpoint = Ipv4Endpoint.Loopback(a.ServerEndpoint!.Value.Port);
        var receivedByA = 0;
        a.RequestHandler = _ => receivedByA++;

        var error = new DhtException("destroyed");
        var outcomes = swarm.Run(async () =>
        {
            var session = b.CreateSession();
            Task<DhtResponse>[] requests =
            [
                session.RequestAsync(new DhtRequest(42), aEndpoint),
                session.RequestAsync(new DhtRequest(42), aEndpoint),
            ];
            Assert.Equal(2, session.Active);

            await session.DestroyAsync(error);

            var reasons = new List<Exception>();
            foreach (var request in requests)
            {
                reasons.Add(await Sim.FailureOfAsync(request));
            }

            Assert.Equal(0, session.Active);
            return (reasons, receivedByA);
        });

        // Both rejected with the very same error object.
        Assert.Equal(2, outcomes.reasons.Count);
        Assert.All(outcomes.reasons, reason => Assert.Same(error, reason));

        // The datagrams had only been handed to the network (as udx had queued them in the original):
        // the target saw neither request before both were rejected.
        Assert.Equal(0, outcomes.receivedByA);
    }

    // Port of test.js "response includes roundtrip time" (on the simulated network the rtt is exactly
    // two one-way latencies; the loopback UDP port is in the integration tests).
    [Fact]
    public void Scenario38_ResponseIncludesRoundtripTime()
    {
        const ulong Nope = 442;
        var latency = TimeSpan.FromMilliseconds(25);
        var swarm = new SimulatedSwarm(network: new SimulatedNetworkOptions { Latency = latency }).Make(3);
        var (a, b) = (swarm[1], swarm[2]);

        var response = swarm.Run(() => a.RequestAsync(new DhtRequest(Nope), Ipv4Endpoint.Loopback(b.Address!.Value.Port)));

        Assert.Equal(1UL, response.Error); // UNKNOWN_COMMAND: b has no handler
        Assert.Equal(2 * latency, response.Rtt);
    }
}
