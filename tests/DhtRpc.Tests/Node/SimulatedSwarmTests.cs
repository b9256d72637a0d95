using DhtRpc.Simulation;
using DhtRpc.Wire;
using Xunit;

namespace DhtRpc.Tests.Node;

public sealed class SimulatedSwarmTests
{
    [Fact]
    public void TinySwarmBootstraps()
    {
        var swarm = new SimulatedSwarm().Make(2);
        Assert.True(swarm[1].Bootstrapped);
        Assert.NotNull(swarm[1].Id);
        Assert.Null(swarm[0].Id);
    }

    [Fact]
    public void BiggerSwarmFindsNode()
    {
        var swarm = new SimulatedSwarm().Make(100);
        var target = swarm[25].Id!.Value;
        var query = swarm[99].FindNode(target);
        swarm.Run(() => query.ToListAsync());
        Assert.Equal(target, query.ClosestReplies[0].From.Id);
        Assert.All(swarm.Nodes.Skip(1), n => Assert.NotNull(n.Id));
    }

    [Fact]
    public void OneShotEventsReachLateSubscribers()
    {
        var swarm = new SimulatedSwarm().Make(2);
        var early = 0;
        var node = swarm.Add(new DhtNodeOptions { Bootstrap = [swarm.BootstrapEntry] });
        node.Ready += () => early++;
        swarm.Run(node.FullyBootstrappedAsync);
        Assert.Equal(1, early);

        // Subscribing after the fact calls the handler at once, exactly once.
        var late = new List<string>();
        node.Listening += () => late.Add("listening");
        node.Ready += () => late.Add("ready");
        Assert.Equal(["listening", "ready"], late);
        Assert.Equal(1, early);
    }
}
