using DhtRpc.Rpc;
using DhtRpc.Wire;
using Xunit;

namespace DhtRpc.Tests.Node;

/// <summary>A flood of DELAYED_PINGs keeps at most the configured replies pending, per source and in all; others are still served.</summary>
public sealed class DelayedPingBoundsTests
{
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(2);

    private static (SimulatedSwarm Swarm, DhtNode Server) Network(DhtNodeOptions serverOptions)
    {
        var swarm = new SimulatedSwarm(seed: 41);
        var server = new DhtNode(swarm.Options(serverOptions with { Ephemeral = false, Firewalled = false }) with { Host = "10.0.0.1" });
        swarm.Nodes.Add(server);
        swarm.Run(server.FullyBootstrappedAsync);
        return (swarm, server);
    }

    private static DhtNode Client(SimulatedSwarm swarm, DhtNode server, string host)
    {
        var client = new DhtNode(swarm.Options(new DhtNodeOptions { Ephemeral = true, Bootstrap = [server.ServerEndpoint!.Value.ToString()] }) with { Host = host });
        swarm.Nodes.Add(client);
        swarm.Run(client.FullyBootstrappedAsync);
        return client;
    }

    // Without retries, so a refused request is not sent again once earlier replies have freed their places.
    // Awaited on the simulation's loop (not a thread-pool continuation), so the run stays deterministic.
    private static async Task<bool> Answered(DhtNode client, Ipv4Endpoint to)
    {
        try
        {
            await client.DelayedPingAsync(to, Delay, new RequestOptions { Retry = false });
            return true;
        }
        catch (DhtException e) when (e.Code == DhtErrorCode.RequestTimeout)
        {
            return false;
        }
    }

    [Fact]
    public void One_source_gets_at_most_its_share_pending_and_another_source_is_still_answered()
    {
        var (swarm, server) = Network(new DhtNodeOptions { MaxDelayedPingsPerSource = 4 });
        var to = server.ServerEndpoint!.Value;
        var flooder = Client(swarm, server, "10.0.0.2");
        var other = Client(swarm, server, "10.0.0.3");
        var flood = new List<Task<bool>>();
        var peak = 0;

        var (otherAnswered, flooderAnswered) = swarm.Run(async () =>
        {
            for (var i = 0; i < 40; i++)
            {
                flood.Add(Answered(flooder, to));
            }

            var mine = Answered(other, to);
            await swarm.Host.DelayAsync(TimeSpan.FromMilliseconds(500));
            peak = server.PendingDelayedReplies;
            var results = await Task.WhenAll(flood);
            return (await mine, results.Count(ok => ok));
        });

        Assert.True(otherAnswered, "the second source's delayed ping was not answered");
        Assert.Equal(5, peak);
        Assert.Equal(4, flooderAnswered);
        Assert.Equal(36, server.Stats.Refused.DelayedPingsOverSource);
        Assert.Equal(0, server.PendingDelayedReplies);
    }

    [Fact]
    public void All_sources_together_get_at_most_the_total_pending()
    {
        var (swarm, server) = Network(new DhtNodeOptions { MaxDelayedPingsPerSource = 4, MaxDelayedPings = 6 });
        var to = server.ServerEndpoint!.Value;
        var clients = Enumerable.Range(2, 3).Select(i => Client(swarm, server, $"10.0.0.{i}")).ToList();

        var answered = swarm.Run(async () =>
        {
            var all = clients.SelectMany(c => Enumerable.Range(0, 4).Select(_ => Answered(c, to))).ToList();
            return (await Task.WhenAll(all)).Count(ok => ok);
        });

        Assert.Equal(6, answered);
        Assert.Equal(6, server.Stats.Refused.DelayedPingsOverTotal);
        Assert.Equal(0, server.Stats.Refused.DelayedPingsOverSource);
    }

    [Fact]
    public void A_delay_over_the_limit_is_counted_as_refused()
    {
        var (swarm, server) = Network(new DhtNodeOptions { MaxPingDelay = TimeSpan.FromSeconds(1) });
        var client = Client(swarm, server, "10.0.0.2");

        var answered = swarm.Run(() => Answered(client, server.ServerEndpoint!.Value));

        Assert.False(answered);
        Assert.True(server.Stats.Refused.DelayedPingsTooLong >= 1);
    }
}
