using DhtRpc.Limits;
using DhtRpc.Tests.Routing;
using DhtRpc.Tests.Scenarios;
using Xunit;

namespace DhtRpc.Tests.Node;

/// <summary>The diversity limits through a node's own table keeping: joins, rekeys, timeouts, row-full swaps.</summary>
public sealed class TableDiversityNodeTests
{
    [Fact]
    public void A_loopback_swarm_is_spared_by_default()
    {
        var swarm = new SimulatedSwarm(seed: 21).Make(30);

        Assert.All(swarm.Nodes, node =>
        {
            Assert.True(node.Table.Count >= 15, $"{node.Table.Count} entries");
            Assert.Equal(0, node.Stats.Refused.Total);
            Assert.Equal(0, node.Table.Diversity!.Keys);
        });
    }

    [Fact]
    public void Apply_to_local_addresses_limits_a_loopback_swarm_to_one_ips_share()
    {
        var limits = new NodeLimits { ApplyToLocalAddresses = true };
        var swarm = new SimulatedSwarm(seed: 21).Make(30, new DhtNodeOptions { Limits = limits });

        // Every node is 127.0.0.1: each table keeps its share of that one IP, and the joins (which rekey
        // every table) still complete.
        Assert.All(swarm.Nodes, node =>
        {
            Assert.InRange(node.Table.Count, 1, limits.Diversity.PerIpInTable);
            Assert.Equal(node.Table.Count, node.Nodes.Count);
            DiversityRecount.AssertInStep(node.Table);
        });
        Assert.All(swarm.Nodes.Skip(1), node => Assert.True(node.Stats.Refused.TableEntriesOverIpShare > 0));
        Assert.True(swarm.Nodes.Sum(n => n.Stats.Refused.ClosestOverSubnetShare + n.Stats.Refused.CandidatesOverSubnetShare) > 0);
    }

    [Fact]
    public void Counts_stay_in_step_through_churn_timeouts_and_row_full_swaps()
    {
        var network = new PublicNetwork(60, new NodeLimits());
        for (var i = 0; i < 60; i += 3)
        {
            network.Host.Network.SetHostOffline(PublicNetwork.EndpointOf(i).Address, true);
        }

        // Newcomers meet full rows whose stalest entries are gone; ticks and refreshes time others out.
        var removed = 0;
        foreach (var node in network.Nodes)
        {
            node.NodeRemoved += _ => removed++;
        }

        for (var i = 0; i < 20; i++)
        {
            network.Join();
        }

        network.Host.Advance(TimeSpan.FromMinutes(20));

        Assert.True(removed > 0, "no entry left a table");
        for (var i = 0; i < network.Nodes.Count; i++)
        {
            if (i % 3 != 0 || i >= 60)
            {
                var node = network.Nodes[i];
                Assert.Equal(node.Table.Count, node.Nodes.Count);
                DiversityRecount.AssertInStep(node.Table);
            }
        }
    }
}
