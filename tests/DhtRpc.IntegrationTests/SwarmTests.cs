using DhtRpc.Wire;

namespace DhtRpc.IntegrationTests;

public sealed class SwarmTests
{
    [Fact]
    public async Task TinySwarmBootstrapsAndSecondNodeBecomesPersistent()
    {
        await using var swarm = await LoopbackSwarm.CreateAsync(2);
        Assert.True(swarm[0].Bootstrapped);
        Assert.True(swarm[1].Bootstrapped);
        Assert.NotNull(swarm[1].Id);
        Assert.False(swarm[1].Firewalled);
        Assert.Equal(Ipv4Endpoint.Loopback(swarm[1].ServerEndpoint!.Value.Port), swarm[1].PublicEndpoint);
    }

    [Fact]
    public async Task PingCountsTxThenRx()
    {
        await using var swarm = await LoopbackSwarm.CreateAsync(2);
        var a = swarm[0];
        var txBefore = a.Stats.Ping.Tx;
        var rxBefore = a.Stats.Ping.Rx;
        var ping = a.PingAsync(Ipv4Endpoint.Loopback(swarm[1].ServerEndpoint!.Value.Port));
        var reply = await ping;
        Assert.Equal(txBefore + 1, a.Stats.Ping.Tx);
        Assert.Equal(rxBefore + 1, a.Stats.Ping.Rx);
        Assert.Equal(swarm[1].Id, reply.From.Id);
    }

    [Fact]
    public async Task FindNodeReachesTargetInSwarmOf50()
    {
        await using var swarm = await LoopbackSwarm.CreateAsync(50, parallel: 5);
        var target = swarm[25].Id!.Value;
        var query = swarm[49].FindNode(target);
        await query.ToListAsync();
        Assert.Equal(target, query.ClosestReplies[0].From.Id);
    }
}
