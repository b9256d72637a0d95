using DhtRpc.Wire;
using DhtRpc.Rpc;
using DhtRpc.Limits;
using DhtRpc.Storage.Client;

namespace DhtRpc.Storage.Tests.Hardening;

/// <summary>
/// Replicas go to distinct /24s among public addresses, closest first; local addresses follow the limits.
/// A request for any one warehouse goes to the fastest.
/// </summary>
public sealed class HolderChoiceTests
{
    private static WarehouseCandidate At(string endpoint, int rttMilliseconds = 0) =>
        new(new DhtPeer(Ipv4Endpoint.Parse(endpoint), null), [1], TimeSpan.FromMilliseconds(rttMilliseconds));

    [Fact]
    public void One_subnet_with_many_ports_gets_one_replica_when_others_are_there()
    {
        var closest = new[] { At("20.0.5.1:1"), At("20.0.5.1:2"), At("20.0.5.9:3"), At("30.1.1.1:4"), At("20.0.5.1:5"), At("40.2.2.2:6") };
        var chosen = HolderChoice.Diverse(closest, 3, new NodeLimits());
        Assert.Equal(["20.0.5.1:1", "30.1.1.1:4", "40.2.2.2:6"], chosen.Select(c => c.Peer.Endpoint.ToString()));
    }

    [Fact]
    public void Too_few_subnets_still_fill_every_replica_in_order()
    {
        var closest = new[] { At("20.0.5.1:1"), At("20.0.5.1:2"), At("30.1.1.1:4"), At("20.0.5.2:7") };
        var chosen = HolderChoice.Diverse(closest, 3, new NodeLimits());
        Assert.Equal(["20.0.5.1:1", "30.1.1.1:4", "20.0.5.1:2"], chosen.Select(c => c.Peer.Endpoint.ToString()));
    }

    [Fact]
    public void Loopback_is_grouped_only_when_the_limits_apply_to_it()
    {
        var closest = new[] { At("127.0.0.1:1"), At("127.0.0.1:2"), At("127.0.0.1:3"), At("127.1.2.1:4") };
        Assert.Equal(["127.0.0.1:1", "127.0.0.1:2", "127.0.0.1:3"], HolderChoice.Diverse(closest, 3, new NodeLimits()).Select(c => c.Peer.Endpoint.ToString()));
        Assert.Equal(["127.0.0.1:1", "127.1.2.1:4", "127.0.0.1:2"], HolderChoice.Diverse(closest, 3, new NodeLimits { ApplyToLocalAddresses = true }).Select(c => c.Peer.Endpoint.ToString()));
        Assert.Equal(3, HolderChoice.Diverse(closest, 3, null).Count);
    }

    [Fact]
    public void The_fastest_is_the_lowest_round_trip_and_the_closer_one_on_a_tie()
    {
        Assert.Equal("30.1.1.1:4", HolderChoice.Fastest([At("20.0.5.1:1", 9), At("30.1.1.1:4", 2), At("40.2.2.2:6", 5)])!.Peer.Endpoint.ToString());
        Assert.Equal("20.0.5.1:1", HolderChoice.Fastest([At("20.0.5.1:1", 3), At("30.1.1.1:4", 3)])!.Peer.Endpoint.ToString());
        Assert.Null(HolderChoice.Fastest([]));
    }
}
