using DhtRpc.Simulation;
using DhtRpc.Tests.Node;
using Xunit;

namespace DhtRpc.Tests.Scenarios;

/// <summary>dht-rpc test.js scenarios 49 and 51: configuration defaults and rtt stats.</summary>
public sealed class DebugScenarios
{
    // Port of test.js "debug - configuration". The original's config object also lists
    // randomPunchInterval and connectionKeepAlive (both undefined: hyperdht options this node does not
    // have); maxPingDelay and k are not in it but are asserted here too (spec §10).
    [Fact]
    public void Scenario49_DebugConfiguration()
    {
        var swarm = new SimulatedSwarm();
        var dht = swarm.Add();

        Assert.Equal(10, dht.Options.Concurrency);
        Assert.Equal(80, dht.Options.MaxWindow);
        Assert.True(dht.Options.SendDownHints);
        Assert.Equal(50, dht.Options.DownHintsRateLimit);
        Assert.Equal(TimeSpan.FromSeconds(10), dht.Options.MaxPingDelay);
        Assert.Equal(TimeSpan.FromSeconds(10), dht.MaxPingDelay);
        Assert.Equal(20, dht.Options.K);
        Assert.Equal(20, dht.Table.K);
    }

    // Port of test.js "debug - rtt stats".
    [Fact]
    public void Scenario51_DebugRttStats()
    {
        var swarm = new SimulatedSwarm().Make(10);

        var res = swarm.Run(() => swarm[0].RttStatsAsync());

        Assert.Equal(9, res.Successes);
        Assert.Equal(0, res.Errors); // added
        Assert.Equal(0, res.Responses.Errors);
        Assert.Equal(0, res.ClosestReplies.Errors);
        Assert.True(res.Responses.AverageRtt > TimeSpan.Zero); // added: replies were timed
    }
}
