using DhtRpc.Query;
using DhtRpc.Rpc;
using DhtRpc.Simulation;
using DhtRpc.Testing;
using DhtRpc.Wire;
using Xunit;

namespace DhtRpc.Tests.Node;

/// <summary>Walks that stop waiting for silent nodes (<see cref="HedgingOptions"/>) and report them.</summary>
public sealed class HedgingTests
{
    [Fact]
    public void TheNodeWideRoundTripBlendsLikeTcpAndIsUnknownBeforeItsFirstSample()
    {
        var estimate = new RoundTripEstimate();
        Assert.Null(estimate.Upper(4));

        estimate.Put(TimeSpan.FromMilliseconds(100)); // mean 100, deviation 50
        Assert.Equal(300, estimate.Upper(4)!.Value.TotalMilliseconds);

        estimate.Put(TimeSpan.FromMilliseconds(180)); // deviation 50 + (80 − 50) / 4 = 57.5, mean 100 + 80 / 8 = 110
        Assert.Equal(340, estimate.Upper(4)!.Value.TotalMilliseconds);
    }

    [Fact]
    public void AWalkTowardADeadNodeEndsWithoutWaitingForItsFirstTimeout()
    {
        var (swarm, dead) = SwarmWithDeadNodes();
        var hedged = swarm.Add(swarm.Options(new DhtNodeOptions { Ephemeral = true, Bootstrap = [swarm.BootstrapEntry] }));
        var plain = swarm.Add(swarm.Options(new DhtNodeOptions { Ephemeral = true, Bootstrap = [swarm.BootstrapEntry], Hedging = null }));
        swarm.Run(hedged.FullyBootstrappedAsync);
        swarm.Run(plain.FullyBootstrappedAsync);
        var target = dead[0].Id!.Value;

        var (hedgedTime, hedgedClosest) = Walk(swarm, hedged, target);
        var (plainTime, plainClosest) = Walk(swarm, plain, target);

        // 10 ms round trips: the hedged walk gives a silent node 150 ms (the minimum), the plain one 1 s.
        Assert.True(hedgedTime < TimeSpan.FromMilliseconds(700), $"hedged walk took {hedgedTime}");
        Assert.True(plainTime >= TimeSpan.FromSeconds(1), $"plain walk took {plainTime}");
        Assert.Equal(20, hedgedClosest);
        Assert.Equal(20, plainClosest);
    }

    [Fact]
    public void NodesThatNeverAnsweredAWalkAreHintedDownAndLeaveTheTablesThatNamedThem()
    {
        var (swarm, dead) = SwarmWithDeadNodes();
        var client = swarm.Add(swarm.Options(new DhtNodeOptions { Ephemeral = true, Bootstrap = [swarm.BootstrapEntry] }));
        swarm.Run(client.FullyBootstrappedAsync);
        var target = dead[0].Id!.Value;
        var live = swarm.Nodes.Where(n => n != client && !dead.Contains(n)).ToList();
        var holdersBefore = live.Count(n => n.Table.Contains(target));

        Walk(swarm, client, target);
        swarm.Host.Advance(TimeSpan.FromSeconds(10)); // the hinted nodes ping the dead one and give up on it

        Assert.True(client.Stats.DownHint.Tx > 0, "no down hint was sent");
        var holdersAfter = live.Count(n => n.Table.Contains(target));
        Assert.True(holdersBefore > 0, "the dead node was in nobody's table to begin with");
        Assert.True(holdersAfter < holdersBefore, $"{holdersAfter} of {holdersBefore} tables still hold the dead node");
    }

    [Fact]
    public void InASmallNetworkAWalkGivesASilentNodeUpAfterItsFirstFullTimeoutInsteadOfEveryRetry()
    {
        // dht-rpc's 'timeouts' scenario with hedging on: fewer than k nodes answer, so the walk can
        // only end once the silent node stops holding it (dht-rpc: after all six attempts, 6 s).
        const ulong ignored = 52;
        var swarm = new SimulatedSwarm(seed: 13).Make(3);
        var (a, b) = (swarm[1], swarm[2]);
        var tries = 0;
        b.RequestHandler = request => tries += request.Command == ignored ? 1 : 0;
        var started = swarm.Host.Clock.Elapsed;

        swarm.Run(() => a.Query(NodeId.Read(new byte[NodeId.Size]), ignored).Completion);

        Assert.Equal(1, tries);
        Assert.InRange(swarm.Host.Clock.Elapsed - started, TimeSpan.FromMilliseconds(900), TimeSpan.FromMilliseconds(1500));
        Assert.Equal(1, a.Stats.DownHint.Tx); // and whoever named it hears that it did not answer
    }

    [Fact]
    public void AFirewallProbeThatHasItsAnswerDoesNotWaitForADeadNodeItAlsoAsked()
    {
        // Three live nodes, and two silent ones seeded into the newcomer's table: the probe asks the
        // five most recently seen, and three open replies settle the verdict.
        var swarm = new SimulatedSwarm(seed: 5, network: new SimulatedNetworkOptions { Seed = 5, Latency = TimeSpan.FromMilliseconds(5) });
        swarm.Make(5);
        var dead = swarm.Nodes.Skip(3).Select(SimulatedSwarm.ServerOf).ToList();
        dead.ForEach(endpoint => swarm.Host.Network.SetOffline(endpoint, true));
        var started = swarm.Host.Clock.Elapsed;
        var log = new ListLogger(swarm.Host.Clock);
        var newcomer = swarm.Add(swarm.Options(new DhtNodeOptions { Ephemeral = false, Bootstrap = [swarm.BootstrapEntry], Nodes = dead, LoggerFactory = log }));
        swarm.Run(newcomer.FullyBootstrappedAsync);
        var joined = swarm.Host.Clock.Elapsed - started;

        // A PING_NAT to a silent node takes 4 s to fail (four 1 s attempts). The two walks give each
        // silent node up after its first full timeout: 2 s for the first (sent before any round trip
        // was measured, so without a hedge), 1 s for the second, instead of six attempts (6 s) each.
        var lines = string.Join('\n', log.Lines);
        Assert.Contains("asked 5 nodes, 3 replied", lines, StringComparison.Ordinal);
        Assert.True(joined <= TimeSpan.FromSeconds(3.5), $"joining took {joined}:\n{lines}");
        Assert.False(newcomer.Firewalled);
    }

    /// <summary>30 nodes with 5 ms of latency each way; five of them (not the bootstrapper) then go silent.</summary>
    private static (SimulatedSwarm Swarm, List<DhtNode> Dead) SwarmWithDeadNodes()
    {
        var swarm = new SimulatedSwarm(seed: 3, network: new SimulatedNetworkOptions { Seed = 3, Latency = TimeSpan.FromMilliseconds(5) });
        swarm.Make(30);
        var dead = swarm.Nodes.Skip(5).Take(5).ToList();
        foreach (var node in dead)
        {
            swarm.Host.Network.SetOffline(SimulatedSwarm.ServerOf(node), true);
        }

        return (swarm, dead);
    }

    private static (TimeSpan Elapsed, int Closest) Walk(SimulatedSwarm swarm, DhtNode node, DhtRpc.Wire.NodeId target)
    {
        var started = swarm.Host.Clock.Elapsed;
        var closest = swarm.Run(async () =>
        {
            var query = node.FindNode(target);
            await query.Completion;
            return query.ClosestReplies.Count;
        });
        return (swarm.Host.Clock.Elapsed - started, closest);
    }
}
