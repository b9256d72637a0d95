using DhtRpc.Crypto;
using DhtRpc.Wire;
using DhtRpc.Simulation;
using Xunit;

namespace DhtRpc.Tests.Node;

/// <summary>A thousand nodes on one thread: the simulation is how the DHT is studied beyond one machine.</summary>
public sealed class LargeSimulationTests
{
    [Fact]
    public void ThousandNodeSwarmIsDeterministicAndLookupsSucceed()
    {
        var first = RunSwarm(seed: 7, size: 1000);
        var second = RunSwarm(seed: 7, size: 1000);

        // Same seed, same virtual history: identical ids, tables and lookup paths.
        Assert.Equal(first, second);
        TestContext.Current.TestOutputHelper?.WriteLine($"1,000 nodes: {first.Messages} datagrams for 20 lookups, virtual end {first.End:O}");
        Assert.Equal(20, first.LookupHits);
    }

    private static SwarmSummary RunSwarm(int seed, int size)
    {
        var swarm = new SimulatedSwarm(seed).Make(size);
        var rng = new Random(seed);
        var hits = 0;
        long messages = 0;
        for (var i = 0; i < 20; i++)
        {
            var from = swarm[1 + rng.Next(size - 1)];
            var target = swarm[1 + rng.Next(size - 1)].Id!.Value;
            var before = swarm.Host.Network.DatagramsSent;
            var query = from.FindNode(target);
            swarm.Run(() => query.ToListAsync());
            messages += swarm.Host.Network.DatagramsSent - before;
            if (query.ClosestReplies.Count > 0 && query.ClosestReplies[0].From.Id == target)
            {
                hits++;
            }
        }

        var ids = string.Join(",", swarm.Nodes.Select(n => n.Id?.ToString()[..8] ?? "-"));
        return new SwarmSummary(hits, messages, ids.GetHashCode(StringComparison.Ordinal), swarm.Host.Now);
    }

    private sealed record SwarmSummary(int LookupHits, long Messages, int IdsHash, DateTimeOffset End);
}
