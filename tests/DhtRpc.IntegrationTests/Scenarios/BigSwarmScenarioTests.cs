using DhtRpc.Wire;
using DhtRpc.Query;
using DhtRpc.Rpc;

namespace DhtRpc.IntegrationTests.Scenarios;

/// <summary>dht-rpc's test.js scenario 10 (spec §13) with 500 nodes on real loopback UDP.</summary>
public sealed class BigSwarmScenarioTests
{
    // test.js: 'make bigger swarm'
    [Fact]
    public async Task Scenario10_MakeBiggerSwarm()
    {
        await using var swarm = await LoopbackSwarm.CreateAsync(500);
        var target = swarm[25].Id!.Value;

        var (found, messages, q) = await FindUntilTargetAsync(swarm[499].FindNode(target), target);
        Assert.True(found, $"found target in {messages} message(s)");
        var replies = q.ClosestReplies.ToList();

        (found, messages, _) = await FindUntilTargetAsync(swarm[490].FindNode(target, new QueryOptions { Nodes = q.ClosestNodes }), target);
        Assert.True(found, $"found target again in {messages} message(s)");

        (found, messages, _) = await FindUntilTargetAsync(swarm[470].FindNode(target, new QueryOptions { Replies = replies }), target);
        Assert.True(found, $"found target again in {messages} message(s) with original replies");

        var node = swarm[490];
        Assert.False(node.Firewalled);
        Assert.Equal(node.Address!.Value.Port, node.PublicEndpoint!.Value.Port);
        Assert.Equal("127.0.0.1", node.PublicEndpoint!.Value.Host);

        // Nobody timed out, so no down hints were sent or received.
        Assert.Equal(0, swarm.Nodes.Sum(n => n.Stats.DownHint.Rx));
        Assert.Equal(0, swarm.Nodes.Sum(n => n.Stats.DownHint.Tx));
    }

    private static async Task<(bool Found, int Messages, DhtQuery Query)> FindUntilTargetAsync(DhtQuery query, NodeId target)
    {
        var messages = 0;
        var found = false;
        await foreach (DhtResponse data in query)
        {
            messages++;
            if (data.From.Id == target)
            {
                found = true;
                break;
            }
        }

        await query.Completion;
        return (found, messages, query);
    }
}
