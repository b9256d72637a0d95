using DhtRpc.Wire;
using DhtRpc.Rpc;
using DhtRpc.Simulation;
using Xunit;

namespace DhtRpc.Tests.Node;

public sealed class AdaptiveTimeoutTests
{
    private static readonly Ipv4Endpoint Peer = Ipv4Endpoint.Parse("10.0.0.9:4000");
    private static readonly AdaptiveTimeoutOptions NoJitter = new() { Jitter = TimeSpan.Zero };

    [Fact]
    public void AnUnknownDestinationWaitsTheFallbackOfEachAttemptAndTheLastRepeats()
    {
        var timeouts = new AdaptiveTimeout(NoJitter, new SimulationHost().Clock);

        var waits = Enumerable.Range(1, 7).Select(a => timeouts.Get(Peer, a, new Random(1)).TotalMilliseconds);

        Assert.Equal([250, 500, 1000, 2000, 4000, 4000, 4000], waits);
    }

    [Fact]
    public void KnownRoundTripsBlendIntoMeanAndDeviationAndBackOffLinearlyWithinBounds()
    {
        var timeouts = new AdaptiveTimeout(NoJitter, new SimulationHost().Clock);

        timeouts.Put(Peer, TimeSpan.FromMilliseconds(100)); // mean 100, deviation 50
        Assert.Equal(300, timeouts.Get(Peer, 1, new Random(1)).TotalMilliseconds); // 200, raised to the 300 minimum
        Assert.Equal(400, timeouts.Get(Peer, 2, new Random(1)).TotalMilliseconds);
        Assert.Equal(800, timeouts.Get(Peer, 4, new Random(1)).TotalMilliseconds);

        timeouts.Put(Peer, TimeSpan.FromMilliseconds(180)); // mean 100 + 80/8 = 110, deviation 50 + (80 - 50)/4 = 57
        Assert.Equal(448, timeouts.Get(Peer, 2, new Random(1)).TotalMilliseconds); // (110 + 114) × 2
        Assert.Equal(4000, timeouts.Get(Peer, 30, new Random(1)).TotalMilliseconds); // capped at the maximum
    }

    [Fact]
    public void JitterAddsLessThanItsBound()
    {
        var timeouts = new AdaptiveTimeout(new AdaptiveTimeoutOptions(), new SimulationHost().Clock);
        var random = new Random(7);

        var waits = Enumerable.Range(0, 200).Select(_ => timeouts.Get(Peer, 1, random).TotalMilliseconds).ToList();

        Assert.All(waits, w => Assert.InRange(w, 250, 250 + 255));
        Assert.True(waits.Distinct().Count() > 50, "jitter should vary");
    }

    [Fact]
    public void AnEstimateUnusedForTwoGenerationsIsForgottenButOneInUseIsKept()
    {
        var host = new SimulationHost();
        var options = NoJitter with { MaxAge = TimeSpan.FromMinutes(10) };
        var timeouts = new AdaptiveTimeout(options, host.Clock);
        var other = Ipv4Endpoint.Parse("10.0.0.10:4000");
        timeouts.Put(Peer, TimeSpan.FromMilliseconds(1000));
        timeouts.Put(other, TimeSpan.FromMilliseconds(1000));

        host.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(2000, timeouts.Get(Peer, 1, new Random(1)).TotalMilliseconds); // still known (1000 + 2 × 500), and refreshed
        host.Advance(TimeSpan.FromMinutes(11));

        Assert.Equal(2000, timeouts.Get(Peer, 1, new Random(1)).TotalMilliseconds);
        Assert.Equal(250, timeouts.Get(other, 1, new Random(1)).TotalMilliseconds); // forgotten: fallback again
    }

    [Fact]
    public void ANodeWithAdaptiveTimeoutsGivesUpOnASilentPeerSoonerThanOneSecondPerAttempt()
    {
        // 50 ms each way: the first ping measures a 100 ms round trip.
        var swarm = new SimulatedSwarm(network: new SimulatedNetworkOptions { Latency = TimeSpan.FromMilliseconds(50) });
        swarm.Make(2);
        var client = swarm.Add(swarm.Options(new DhtNodeOptions { AdaptiveTimeout = NoJitter, Ephemeral = true }));
        var plain = swarm.Add(swarm.Options(new DhtNodeOptions { Ephemeral = true }));
        var target = SimulatedSwarm.ServerOf(swarm[1]);
        swarm.Run(() => client.PingAsync(target));
        swarm.Run(() => plain.PingAsync(target));
        swarm.Host.Network.SetOffline(target, true);

        var adaptive = TimeToGiveUp(swarm, client, target);
        var fixedWait = TimeToGiveUp(swarm, plain, target);

        // Four sends: 300 (raised to the minimum), 400, 600 and 800 ms, against 4 × 1 s.
        Assert.Equal(TimeSpan.FromMilliseconds(2100), adaptive);
        Assert.Equal(TimeSpan.FromSeconds(4), fixedWait);
    }

    private static TimeSpan TimeToGiveUp(SimulatedSwarm swarm, DhtNode node, Ipv4Endpoint target)
    {
        var started = swarm.Host.Clock.Elapsed;
        var error = swarm.Run(async () =>
        {
            try
            {
                await node.PingAsync(target);
                return null;
            }
            catch (DhtException e)
            {
                return e;
            }
        });
        Assert.NotNull(error);
        return swarm.Host.Clock.Elapsed - started;
    }
}
