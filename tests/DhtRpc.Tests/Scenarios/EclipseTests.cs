using DhtRpc.Crypto;
using DhtRpc.Limits;
using DhtRpc.Routing;
using DhtRpc.Simulation;
using DhtRpc.Wire;
using Xunit;

namespace DhtRpc.Tests.Scenarios;

/// <summary>
/// One IP with 2,000 ports against a network of honest nodes on their own /24s, on the simulated
/// network. Each case runs once with the default limits and once without any (dht-rpc's behaviour),
/// which shows that the attack works and the assertions can fail.
/// </summary>
public sealed class EclipseTests
{
    private const int HonestCount = 60;
    private const int VictimIndex = HonestCount / 2;
    private const uint AttackerIp = 0x42060606; // 66.6.6.6
    private static readonly NodeId Key = NodeId.Parse("c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00");

    [Fact]
    public void Ports_of_one_ip_take_at_most_their_share_of_a_routing_table()
    {
        var limits = new NodeLimits();
        var (limited, limitedVictim) = Attacked(limits, Enumerable.Range(20000, 2000).Select(p => (ushort)p));
        var (open, openVictim) = Attacked(null, Enumerable.Range(20000, 2000).Select(p => (ushort)p));

        var held = AttackerEntries(limited, limitedVictim);
        Assert.InRange(held.Count, 1, limits.Diversity.PerIpInTable);
        Assert.All(held.GroupBy(e => limitedVictim.TableId.CommonPrefixLength(e.Id)), row => Assert.Single(row));
        // Every port is refused and counted, but the few that fitted the share and met a full row instead.
        Assert.True(limitedVictim.Stats.Refused.TableEntriesOverIpShare > 1900, $"{limitedVictim.Stats.Refused.TableEntriesOverIpShare} refused");
        Assert.Equal(limitedVictim.Stats.Refused.Total, limitedVictim.Stats.Refused.TableEntriesOverIpShare + limitedVictim.Stats.Refused.TableEntriesOverSubnetShare + limitedVictim.Stats.Refused.ClosestOverSubnetShare + limitedVictim.Stats.Refused.CandidatesOverSubnetShare);

        var taken = AttackerEntries(open, openVictim);
        Assert.True(taken.Count > 20, $"without limits the attacker holds only {taken.Count} entries");
        Assert.Equal(0, openVictim.Stats.Refused.Total);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"attacker entries: {held.Count} of {Table(limited, limitedVictim).Count} with limits, {taken.Count} of {Table(open, openVictim).Count} without");
    }

    [Fact]
    public void Ports_closest_to_a_key_cannot_eclipse_its_lookup()
    {
        var limits = new NodeLimits();
        var ports = SybilPorts.PortsClosestTo(AttackerIp, Key, 2000);
        var (limited, limitedVictim) = Attacked(limits, ports);
        var (open, openVictim) = Attacked(null, ports);

        var held = AttackerEntries(limited, limitedVictim);
        Assert.InRange(held.Count, 1, limits.Diversity.PerIpInTable);
        Assert.All(held.GroupBy(e => limitedVictim.TableId.CommonPrefixLength(e.Id)), row => Assert.Single(row));

        // The attacker keeps its share of the results; the rest are the honest nodes closest to the key.
        var (honest, attacker, visits) = Lookup(limited, limitedVictim);
        Assert.InRange(attacker.Count, 1, limits.Diversity.PerSubnetInClosest);
        Assert.Equal(20 - attacker.Count, honest.Count);
        Assert.Equal(ClosestHonest(honest.Count), honest);
        var refused = limitedVictim.Stats.Refused;
        Assert.True(refused.CandidatesOverSubnetShare > 0);

        // Its ports are queued a share at a time, so they do not take the walk's visits either (20 of
        // them were visited when only the closest set was bounded).
        Assert.InRange(visits, 1, 2 * limits.Diversity.PerSubnetInClosest);

        // The same network without limits: the key's lookup sees the attacker only.
        var (openHonest, openAttacker, openVisits) = Lookup(open, openVictim);
        Assert.Empty(openHonest);
        Assert.Equal(20, openAttacker.Count);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"lookup of the key: {attacker.Count} attacker and {honest.Count} honest replies, {visits} attacker visits with limits " +
            $"(refused {refused.ClosestOverSubnetShare} replies, {refused.CandidatesOverSubnetShare} candidates); " +
            $"{openAttacker.Count} and {openHonest.Count}, {openVisits} visits without; the victim's table holds {held.Count} of the ports with limits, {AttackerEntries(open, openVictim).Count} without");
    }

    /// <summary>An honest network (each node on its own /24), the attacker announced to every node; the victim is one of them.</summary>
    private static (PublicNetwork Network, DhtNode Victim) Attacked(NodeLimits? limits, IEnumerable<ushort> ports)
    {
        var network = new PublicNetwork(HonestCount, limits);
        network.Sybil = new SybilPorts(network.Host, AttackerIp, ports);
        for (var i = 0; i < HonestCount; i++)
        {
            network.Sybil.Announce(PublicNetwork.EndpointOf(i));
        }

        network.Host.RunUntilIdle(TimeSpan.FromSeconds(10));
        return (network, network.Nodes[VictimIndex]);
    }

    private static List<RoutingNode> AttackerEntries(PublicNetwork network, DhtNode victim) =>
        Table(network, victim).Where(e => network.Sybil!.Owns(e.Endpoint)).ToList();

    private static IReadOnlyList<RoutingNode> Table(PublicNetwork network, DhtNode victim) =>
        network.Host.Run(victim.GetRoutingTableAsync);

    /// <summary>Looks the key up from the victim: the closest replies, honest and not, and how many visits the attacker answered.</summary>
    private static (List<Ipv4Endpoint> Honest, List<Ipv4Endpoint> Attacker, int AttackerVisits) Lookup(PublicNetwork network, DhtNode victim)
    {
        var sybil = network.Sybil!;
        var query = victim.FindNode(Key);
        var before = sybil.Answered;
        network.Host.Run(() => query.ToListAsync());
        var closest = query.ClosestReplies.Select(r => r.From.Endpoint).ToList();
        return (closest.Where(e => !sybil.Owns(e)).ToList(), closest.Where(sybil.Owns).ToList(), sybil.Answered - before);
    }

    /// <summary>The <paramref name="count"/> honest nodes closest to the key, closest first, but the victim (a walk never visits itself).</summary>
    private static List<Ipv4Endpoint> ClosestHonest(int count) =>
        Enumerable.Range(0, HonestCount)
            .Where(i => i != VictimIndex)
            .Select(PublicNetwork.EndpointOf)
            .Order(Comparer<Ipv4Endpoint>.Create((a, b) => Key.CompareDistance(Blake2b.NodeIdOf(a), Blake2b.NodeIdOf(b))))
            .Take(count)
            .ToList();
}
