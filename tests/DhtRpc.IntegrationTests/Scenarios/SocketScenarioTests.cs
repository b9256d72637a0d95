using System.Net;
using System.Net.Sockets;
using DhtRpc.Wire;
using DhtRpc.Threading;

namespace DhtRpc.IntegrationTests.Scenarios;

/// <summary>
/// dht-rpc's test.js scenarios about real sockets (spec §13: 1–4, 19, 23–25) on loopback UDP. Every
/// node binds 127.0.0.1, as the original's createDHT does.
/// </summary>
public sealed class SocketScenarioTests
{
    private const string Loopback = "127.0.0.1";

    // test.js: 'bootstrapper'
    [Fact]
    public async Task Scenario01_Bootstrapper()
    {
        var port = FreePort();

        await using var node = CreateBootstrapper(port);
        await node.FullyBootstrappedAsync();

        Assert.Equal(Loopback, node.Address!.Value.Host);
        Assert.Equal(port, node.Address!.Value.Port);
    }

    // test.js: 'bootstrapper - bind host'
    [Fact]
    public async Task Scenario02_BootstrapperBindHost()
    {
        var port = FreePort();

        await using var node = CreateBootstrapper(port);
        await node.FullyBootstrappedAsync();

        // Only IPv4 exists on the wire, so the family is implied by the endpoint type.
        Assert.Equal(Loopback, node.Address!.Value.Host);
        Assert.Equal(Loopback, node.ServerEndpoint!.Value.Host);
        Assert.Equal(port, node.Address!.Value.Port);
        Assert.NotNull(node.Id);
        Assert.Equal(Crypto.Blake2b.NodeIdOf(Ipv4Endpoint.Loopback(port)), node.Id);
    }

    // test.js: 'bootstrapper - opts.bootstrap'
    [Fact]
    public async Task Scenario03_BootstrapperOptsBootstrap()
    {
        var port1 = FreePort();
        var port2 = FreePort();

        await using var node1 = CreateBootstrapper(port1);
        await node1.FullyBootstrappedAsync();

        var bootstrap = $"{Loopback}:{node1.Address!.Value.Port}";
        await using var node2 = CreateBootstrapper(port2, new DhtNodeOptions { Bootstrap = [bootstrap] });
        await node2.FullyBootstrappedAsync();

        Assert.Empty(node1.BootstrapNodes);
        Assert.Equal([new BootstrapEntry(Loopback, port1)], node2.BootstrapNodes);
    }

    // test.js: 'bootstrapper - port and host are required'
    [Fact]
    public void Scenario04_BootstrapperPortAndHostAreRequired()
    {
        var noArguments = Assert.Throws<ArgumentException>(() => DhtNode.CreateBootstrapper(0, null!));
        Assert.StartsWith("Port is required", noArguments.Message, StringComparison.Ordinal);

        var zeroPort = Assert.Throws<ArgumentException>(() => DhtNode.CreateBootstrapper(0, Loopback));
        Assert.StartsWith("Port is required", zeroPort.Message, StringComparison.Ordinal);

        var noHost = Assert.Throws<ArgumentException>(() => DhtNode.CreateBootstrapper(49737, null!));
        Assert.StartsWith("Host is required", noHost.Message, StringComparison.Ordinal);
    }

    // test.js: 'after fullyBootstrapped it is always bound'
    [Fact]
    public async Task Scenario19_AfterFullyBootstrappedItIsAlwaysBound()
    {
        // The node starts on its context right after construction; creating it from inside that context
        // lets the handler be attached before anything runs, like an event listener in the original.
        var context = new SerialSynchronizationContext();
        var created = new TaskCompletionSource<DhtNode>(TaskCreationOptions.RunContinuationsAsynchronously);
        var listening = 0;
        context.Post(
            _ =>
            {
                var n = new DhtNode(new DhtNodeOptions { Host = Loopback, Context = context });
                n.Listening += () => Interlocked.Increment(ref listening);
                created.SetResult(n);
            },
            null);
        await using var node = await created.Task;

        await node.FullyBootstrappedAsync();

        Assert.Equal(1, Volatile.Read(ref listening));
        Assert.NotNull(node.Address);
        Assert.NotEqual(0, node.Address!.Value.Port);
    }

    // test.js: 'set bind'
    [Fact]
    public async Task Scenario23_SetBind()
    {
        var port = FreePort();

        await using var a = CreateNode(new DhtNodeOptions { Port = port, Firewalled = false });
        await a.FullyBootstrappedAsync();

        Assert.Equal(port, a.Address!.Value.Port);

        await using var b = CreateNode(new DhtNodeOptions { Port = port });
        await b.FullyBootstrappedAsync();

        Assert.NotEqual(port, b.Address!.Value.Port);
        Assert.NotEqual(port, b.ServerEndpoint!.Value.Port);
    }

    // test.js: 'passing in a port gets translated into a 5-port range'
    [Fact]
    public async Task Scenario24_PassingInAPortGetsTranslatedIntoA5PortRange()
    {
        var port = FreePort();

        await using var a = CreateNode(new DhtNodeOptions { Port = port, Firewalled = false });

        Assert.Equal((port, port + 5), a.Io.PortRange);

        await a.FullyBootstrappedAsync();

        Assert.Equal(port, a.Address!.Value.Port);
    }

    // test.js: 'bind with port range' (test.skip upstream; passes here when the range happens to be free)
    [Fact(Skip = "Flaky, skipped upstream too: assumes the entire port range is free, and the last node could still bind that port randomly")]
    public async Task Scenario25_BindWithPortRange()
    {
        var port = FreePort();
        var range = (port, port + 3);

        await using var a = CreateNode(new DhtNodeOptions { PortRange = range, Firewalled = false });
        await a.FullyBootstrappedAsync();
        Assert.Equal(port, a.Address!.Value.Port);

        await using var b = CreateNode(new DhtNodeOptions { PortRange = range, Firewalled = false });
        await b.FullyBootstrappedAsync();
        Assert.Equal(port + 1, b.Address!.Value.Port);

        await using var c = CreateNode(new DhtNodeOptions { PortRange = range, Firewalled = false });
        await c.FullyBootstrappedAsync();
        Assert.Equal(port + 2, c.Address!.Value.Port);

        await using var d = CreateNode(new DhtNodeOptions { PortRange = range, Firewalled = false });
        await d.FullyBootstrappedAsync();
        Assert.NotEqual(port + 3, d.Address!.Value.Port);
    }

    /// <summary>Binds and closes a socket to find a free loopback port (the original's freePort).</summary>
    internal static int FreePort()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    private static DhtNode CreateNode(DhtNodeOptions options) => new(options with { Host = Loopback });

    private static DhtNode CreateBootstrapper(int port, DhtNodeOptions? options = null) =>
        DhtNode.CreateBootstrapper(port, Loopback, (options ?? new DhtNodeOptions()) with { Host = Loopback });
}
