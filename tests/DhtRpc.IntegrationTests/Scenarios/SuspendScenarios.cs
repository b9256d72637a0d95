using DhtRpc.Wire;
using DhtRpc.Rpc;
using static DhtRpc.IntegrationTests.Scenarios.Loopback;

namespace DhtRpc.IntegrationTests.Scenarios;

/// <summary>dht-rpc test.js scenarios 35–37 on loopback UDP: suspend and resume keep ports and stop I/O.</summary>
public sealed class SuspendScenarios
{
    // Port of test.js "suspend - random port".
    [Fact(Timeout = TestTimeout)]
    public async Task Scenario35_SuspendRandomPort()
    {
        var a = Create(new DhtNodeOptions { Ephemeral = false, Firewalled = false });
        await a.FullyBootstrappedAsync();
        var bootstrap = BootstrapFor(a);

        var serverPortBefore = a.ServerEndpoint!.Value.Port;
        var clientPortBefore = a.ClientEndpoint!.Value.Port;

        await a.SuspendAsync();
        await a.ResumeAsync();

        Assert.Equal(serverPortBefore, a.ServerEndpoint!.Value.Port);
        Assert.Equal(clientPortBefore, a.ClientEndpoint!.Value.Port);

        // Very basic check that the rebound node still works.
        using var held = CreateHeld(new DhtNodeOptions { Ephemeral = false, Bootstrap = [bootstrap] });
        var c = held.Node;
        Assert.Null(c.RemoteAddress);
        held.Release();
        await c.FullyBootstrappedAsync();
        Assert.Equal("127.0.0.1", c.RemoteAddress?.Host);

        await DisposeAllAsync(c, a);
    }

    // Port of test.js "suspend - custom port". As in the original, a (on the explicit port, anyPort off)
    // is destroyed and then suspended/resumed, which does nothing, and the ports asserted are b's: b asked
    // for the same port, found it taken and bound another one of its range. Added: b itself is suspended
    // and resumed too, and keeps its ports.
    [Fact(Timeout = TestTimeout)]
    public async Task Scenario36_SuspendCustomPort()
    {
        var port = FreePort();
        var a = Create(new DhtNodeOptions { Ephemeral = false, Firewalled = false, Port = port, AnyPort = false });
        await a.FullyBootstrappedAsync();
        Assert.Equal(port, a.ServerEndpoint!.Value.Port);

        var b = Create(new DhtNodeOptions { Ephemeral = false, Firewalled = false, Port = port });
        await b.FullyBootstrappedAsync();
        var bootstrap = BootstrapFor(b);

        await a.DisposeAsync();

        var serverPortBefore = b.ServerEndpoint!.Value.Port;
        var clientPortBefore = b.ClientEndpoint!.Value.Port;

        await a.SuspendAsync();
        await a.ResumeAsync();

        Assert.Equal(serverPortBefore, b.ServerEndpoint!.Value.Port);
        Assert.Equal(clientPortBefore, b.ClientEndpoint!.Value.Port);
        Assert.NotEqual(port, serverPortBefore);

        await b.SuspendAsync(); // added
        await b.ResumeAsync(); // added
        Assert.Equal(serverPortBefore, b.ServerEndpoint!.Value.Port); // added
        Assert.Equal(clientPortBefore, b.ClientEndpoint!.Value.Port); // added

        // Very basic check that the rebound node still works.
        using var held = CreateHeld(new DhtNodeOptions { Ephemeral = false, Bootstrap = [bootstrap] });
        var c = held.Node;
        Assert.Null(c.RemoteAddress);
        held.Release();
        await c.FullyBootstrappedAsync();
        Assert.Equal("127.0.0.1", c.RemoteAddress?.Host);

        await DisposeAllAsync(c, b);
    }

    // Port of test.js "suspend - fully suspends I/O". The original waits for the process to go idle (no
    // handles left). Here: after suspend both sockets are closed (their ports can be bound by someone
    // else) and a ping to the node times out; after resume it answers on the same port.
    [Fact(Timeout = TestTimeout)]
    public async Task Scenario37_SuspendFullySuspendsIo()
    {
        // A server port outside the ephemeral range: freed by the suspend, it cannot be handed to another socket binding port 0.
        var dht = Create(new DhtNodeOptions { Ephemeral = false, Firewalled = false, Port = FreePorts.UdpOutsideEphemeralRange(), AnyPort = false });
        await dht.FullyBootstrappedAsync();
        var peer = Create();
        await peer.FullyBootstrappedAsync();
        var server = dht.ServerEndpoint!.Value.Port;
        var client = dht.ClientEndpoint!.Value.Port;
        var endpoint = Ipv4Endpoint.Loopback(server);
        Assert.Equal(0UL, (await peer.PingAsync(endpoint)).Error);

        await dht.SuspendAsync(); // suspended
        Assert.True(dht.Suspended);
        Assert.Null(dht.ServerEndpoint);
        Assert.Null(dht.ClientEndpoint);
        Assert.True(CanBind(server), "the server socket is closed");
        Assert.True(CanBind(client), "the client socket is closed");

        // A short timeout keeps the ports free only briefly: while they are, another test binding port 0
        // could be handed one of them, and then the resume below could not rebind it.
        var error = await Assert.ThrowsAsync<DhtException>(() => peer.PingAsync(endpoint, options: new RequestOptions { Retry = false, Timeout = TimeSpan.FromMilliseconds(100) }));
        Assert.Equal(DhtErrorCode.RequestTimeout, error.Code);

        await dht.ResumeAsync(); // resumed
        Assert.Equal(server, dht.ServerEndpoint!.Value.Port);
        Assert.Equal(client, dht.ClientEndpoint!.Value.Port);
        Assert.Equal(0UL, (await peer.PingAsync(endpoint)).Error);

        await DisposeAllAsync(peer, dht);
    }
}
