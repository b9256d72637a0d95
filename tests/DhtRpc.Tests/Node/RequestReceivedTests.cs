using DhtRpc.Rpc;
using DhtRpc.Wire;
using Xunit;

namespace DhtRpc.Tests.Node;

/// <summary>RequestReceived tells of every request a node is asked, its own commands and the application's.</summary>
public sealed class RequestReceivedTests
{
    [Fact]
    public void A_joining_node_and_a_ping_are_seen_with_sender_command_and_target()
    {
        var swarm = new SimulatedSwarm(seed: 7);
        var server = new DhtNode(swarm.Options(new DhtNodeOptions { Ephemeral = false, Firewalled = false }) with { Host = "10.0.0.1" });
        swarm.Nodes.Add(server);
        swarm.Run(server.FullyBootstrappedAsync);
        var seen = new List<ReceivedRequest>();
        server.RequestReceived += seen.Add;

        var client = new DhtNode(swarm.Options(new DhtNodeOptions { Ephemeral = true, Bootstrap = [server.ServerEndpoint!.Value.ToString()] }) with { Host = "10.0.0.2" });
        swarm.Nodes.Add(client);
        swarm.Run(client.FullyBootstrappedAsync);
        var joining = seen.Count;
        swarm.Run(() => client.PingAsync(server.ServerEndpoint!.Value));
        swarm.Run(async () =>
        {
            // The server has no handler for command 500: whatever it answers, only its arrival matters here.
            try
            {
                await client.RequestAsync(new DhtRequest(500, NodeId.Random()), server.ServerEndpoint!.Value);
            }
            catch (DhtException)
            {
            }
        });

        Assert.Contains(seen.Take(joining), r => r.Internal && r.Command == Commands.FindNode && r.Target == client.TableId);
        Assert.All(seen, r => Assert.Equal("10.0.0.2", r.From.Endpoint.Host));
        Assert.Null(seen[0].From.Id);
        Assert.Contains(seen.Skip(joining), r => r.Internal && r.Command == Commands.Ping && r.Target is null);
        Assert.Contains(seen.Skip(joining), r => !r.Internal && r.Command == 500 && r.Target is not null);
    }
}
