using DhtRpc.Simulation;
using DhtRpc.Wire;
using DhtRpc.Rpc;
using DhtRpc.Tests.Node;
using Xunit;

namespace DhtRpc.Tests.Scenarios;

/// <summary>dht-rpc test.js scenarios 29, 30, 34, 37 and 42 on the simulated network.</summary>
public sealed class LifecycleScenarios
{
    // Port of test.js "close event".
    [Fact]
    public void Scenario29_CloseEvent()
    {
        var swarm = new SimulatedSwarm();
        var node = swarm.Add();
        var closed = 0;
        node.Closed += () => closed++;

        swarm.Run(() => node.DisposeAsync().AsTask());

        Assert.Equal(1, closed); // node closed
        Assert.True(node.Destroyed);
    }

    // Port of test.js "close event is only emitted once".
    [Fact]
    public void Scenario30_CloseEventIsOnlyEmittedOnce()
    {
        var swarm = new SimulatedSwarm();
        var node = swarm.Add();
        var closed = 0;
        node.Closed += () => closed++;

        swarm.Run(() => Task.WhenAll(node.DisposeAsync().AsTask(), node.DisposeAsync().AsTask()));
        swarm.Run(() => node.DisposeAsync().AsTask());
        swarm.Run(() => node.DisposeAsync().AsTask());

        Assert.Equal(1, closed);
    }

    // Port of test.js "nat update event".
    [Fact]
    public void Scenario34_NatUpdateEvent()
    {
        var swarm = new SimulatedSwarm();
        var a = swarm.Add(new DhtNodeOptions { Ephemeral = false, Firewalled = false });
        swarm.Run(a.FullyBootstrappedAsync);

        var b = swarm.Add(new DhtNodeOptions { Ephemeral = false, Bootstrap = [$"localhost:{a.Address!.Value.Port}"] });
        var updates = new List<Ipv4Endpoint?>();
        b.NatUpdated += updates.Add;
        swarm.Run(b.FullyBootstrappedAsync);

        Assert.True(updates.Count >= 2, $"expected two nat updates, got {updates.Count}");

        // First what a saw of b's requests (sent from the client socket while firewalled)...
        Assert.Equal("127.0.0.1", updates[0]!.Value.Host);
        Assert.Equal(b.ClientEndpoint!.Value.Port, updates[0]!.Value.Port);

        // ...then, after the firewall test, the server socket.
        Assert.Equal("127.0.0.1", updates[1]!.Value.Host);
        Assert.Equal(b.ServerEndpoint!.Value.Port, updates[1]!.Value.Port);
    }

    // Port of test.js "suspend - fully suspends I/O". The original checks that the process goes idle
    // (no timers, no handles); here that is: no armed virtual timers and no bound sockets. The loopback
    // UDP version is in the integration tests.
    [Fact]
    public void Scenario37_SuspendFullySuspendsIo()
    {
        var swarm = new SimulatedSwarm();
        var dht = swarm.Add(new DhtNodeOptions { Ephemeral = false, Firewalled = false });
        swarm.Run(dht.FullyBootstrappedAsync);
        var endpoint = Ipv4Endpoint.Loopback(dht.ServerEndpoint!.Value.Port);
        Assert.Equal(2, swarm.Host.Network.BoundSockets);

        var suspended = 0;
        dht.SuspendedEvent += () => suspended++;
        swarm.Run(dht.SuspendAsync);
        Assert.Equal(1, suspended); // suspended

        // Became idle: nothing armed, nothing bound, and time passing does nothing.
        Assert.Equal(0, swarm.Host.Clock.PendingTimers);
        Assert.Equal(0, swarm.Host.Network.BoundSockets);
        Assert.Null(dht.ServerEndpoint);
        var tick = dht.Tick;
        swarm.Host.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(tick, dht.Tick);

        // Nothing answers on its port while suspended.
        var peer = swarm.Add();
        swarm.Run(peer.FullyBootstrappedAsync);
        var silent = swarm.Run(() => Sim.FailureOfAsync(peer.PingAsync(endpoint, options: new RequestOptions { Retry = false })));
        Assert.Equal(DhtErrorCode.RequestTimeout, silent.Code);

        var resumed = 0;
        var wokeUp = 0;
        dht.Resumed += () => resumed++;
        dht.WokeUp += () => wokeUp++;
        swarm.Run(dht.ResumeAsync);
        Assert.Equal(1, resumed); // resumed
        Assert.Equal(1, wokeUp); // a resume is handled as a wake-up

        Assert.Equal(endpoint.Port, dht.ServerEndpoint!.Value.Port);
        var pong = swarm.Run(() => peer.PingAsync(endpoint));
        Assert.Equal(0UL, pong.Error);
    }

    // Port of test.js "peer ids do not retain a slab". A JS Buffer can be a view on a larger pooled
    // allocation; a NodeId has no such backing store, so the port checks that an id is exactly 32 bytes.
    [Fact]
    public void Scenario42_PeerIdsAreExactly32Bytes()
    {
        var swarm = new SimulatedSwarm().Make(2);
        Assert.Equal(32, swarm[1].Id!.Value.ToArray().Length);
    }
}
