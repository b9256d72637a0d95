using DhtRpc.Limits;
using Xunit;

namespace DhtRpc.Tests.Limits;

/// <summary>Per-source and global request budgets: a flood is dropped and counted, others are still answered.</summary>
public sealed class RequestBudgetTests
{
    private static readonly NodeLimits Small = new() { RequestsPerSecondPerSource = 10, RequestBurstPerSource = 10 };

    private static void Ping(RawPeer peer, LimitedNetwork network, int count)
    {
        for (var i = 0; i < count; i++)
        {
            peer.Send(network.To, Commands.Ping, isInternal: true);
        }
    }

    [Fact]
    public void A_flooding_source_gets_its_budget_and_another_source_is_still_answered()
    {
        var network = new LimitedNetwork(Small);
        var flooder = network.Raw("20.0.0.2");
        var other = network.Raw("20.0.1.3");

        network.Exchange(() =>
        {
            Ping(flooder, network, 100);
            Ping(other, network, 5);
        });

        Assert.Equal(10, flooder.Replies().Count);
        Assert.Equal(5, other.Replies().Count);
        Assert.Equal(90, network.Server.Stats.Limited.RequestsOverSourceRate);
        Assert.True(network.Server.Io.Budgets!.Blocked.Drops > 0, "no request was dropped before the node's context");
        Assert.Equal(0, network.Server.Stats.Limited.RequestsOverGlobalRate);
    }

    [Fact]
    public void A_source_budget_refills_at_its_rate()
    {
        var network = new LimitedNetwork(Small);
        var flooder = network.Raw("20.0.0.2");
        network.Exchange(() => Ping(flooder, network, 30));

        // Half a second later, half the bucket is back.
        network.Exchange(() => Ping(flooder, network, 30), TimeSpan.FromMilliseconds(400));
        network.Exchange(() => Ping(flooder, network, 30));

        Assert.Equal(15, flooder.Replies().Count);
    }

    [Fact]
    public void Local_addresses_are_spared_unless_the_limits_are_applied_to_them()
    {
        var spared = new LimitedNetwork(Small, serverHost: "10.0.0.1");
        var local = spared.Raw("10.0.0.2");
        spared.Exchange(() => Ping(local, spared, 100));

        var applied = new LimitedNetwork(Small with { ApplyToLocalAddresses = true }, serverHost: "10.0.0.1");
        var limited = applied.Raw("10.0.0.2");
        applied.Exchange(() => Ping(limited, applied, 100));

        Assert.Equal(100, local.Replies().Count);
        Assert.Equal(0, spared.Server.Stats.Limited.Total);
        Assert.Equal(10, limited.Replies().Count);
    }

    [Fact]
    public void No_limits_answers_everything()
    {
        var network = new LimitedNetwork(limits: null);
        var flooder = network.Raw("20.0.0.2");
        network.Exchange(() => Ping(flooder, network, 5000));

        Assert.Equal(5000, flooder.Replies().Count);
    }

    [Fact]
    public void All_sources_together_are_held_to_the_global_budget()
    {
        var network = new LimitedNetwork(Small with { RequestsPerSecond = 15, RequestBurst = 15 });
        var peers = Enumerable.Range(2, 3).Select(i => network.Raw($"20.0.{i}.1")).ToList();

        network.Exchange(() => peers.ForEach(peer => Ping(peer, network, 10)));

        Assert.Equal(15, peers.Sum(peer => peer.Replies().Count));
        Assert.Equal(15, network.Server.Stats.Limited.RequestsOverGlobalRate);
    }

    [Fact]
    public void Sources_beyond_the_tracked_ones_share_one_budget_and_idle_ones_are_forgotten()
    {
        var network = new LimitedNetwork(Small with { MaxTrackedSources = 2, RequestsPerSecondPerSource = 5, RequestBurstPerSource = 5 });
        var peers = Enumerable.Range(2, 4).Select(i => network.Raw($"20.0.{i}.1")).ToList();

        network.Exchange(() => peers.ForEach(peer => Ping(peer, network, 5)));
        var tracked = network.Server.Io.Budgets!.TrackedSources;

        // Idle for longer than a bucket takes to refill, then a maintenance tick: nothing is kept.
        network.Exchange(() => { }, TimeSpan.FromSeconds(12));

        Assert.Equal(15, peers.Sum(peer => peer.Replies().Count));
        Assert.Equal(2, tracked);
        Assert.Equal(0, network.Server.Io.Budgets!.TrackedSources);
    }
}
