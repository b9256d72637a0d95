using DhtRpc.Wire;
using static DhtRpc.IntegrationTests.Scenarios.Loopback;

namespace DhtRpc.IntegrationTests.Scenarios;

/// <summary>dht-rpc test.js scenarios 39–41 on loopback UDP: suggested-IP bootstrap entries and options.nodes.</summary>
public sealed class BootstrapScenarios
{
    // Port of test.js "bootstrap with reachable suggested-IP and skip DNS". "invalid" cannot resolve, so
    // the tables below can only be right if the suggested IP was used.
    [Fact(Timeout = TestTimeout)]
    public Task Scenario39_BootstrapWithReachableSuggestedIpAndSkipDns() => BootstrapWithSuggestedIpAsync("127.0.0.1", "invalid");

    // Port of test.js "bootstrap with unreachable suggested-IP and fallback to DNS (reachable)". Nothing
    // listens on 127.0.0.255, so the ping to it times out and the entry falls back to "localhost".
    [Fact(Timeout = TestTimeout)]
    public Task Scenario40_BootstrapWithUnreachableSuggestedIpAndFallbackToDns() => BootstrapWithSuggestedIpAsync("127.0.0.255", "localhost");

    // Port of test.js "Populate DHT with options.nodes".
    [Fact(Timeout = TestTimeout)]
    public async Task Scenario41_PopulateDhtWithOptionsNodes()
    {
        var a = Create(new DhtNodeOptions { Bootstrap = [] });
        await a.FullyBootstrappedAsync();
        var b = Create(new DhtNodeOptions { Bootstrap = [] });
        await b.FullyBootstrappedAsync();

        Ipv4Endpoint[] nodes = [AddressOf(a), AddressOf(b)];
        var c = Create(new DhtNodeOptions { Nodes = nodes, Bootstrap = [] });
        await c.FullyBootstrappedAsync();

        Assert.Equal(nodes, await c.GetNodesAsync());

        await DisposeAllAsync(a, b, c);
    }

    private static async Task BootstrapWithSuggestedIpAsync(string ip, string domain)
    {
        var port = FreePort();
        string[] bootstrapSyntax = [$"{ip}@{domain}:{port}"];

        var bootstrap = Create(new DhtNodeOptions { Port = port, Ephemeral = false, Firewalled = false });
        await bootstrap.FullyBootstrappedAsync();
        Assert.Equal(port, bootstrap.ServerEndpoint!.Value.Port);

        var a = Create(new DhtNodeOptions { Bootstrap = bootstrapSyntax, Ephemeral = false });
        await a.FullyBootstrappedAsync();

        var b = Create(new DhtNodeOptions { Bootstrap = bootstrapSyntax, Ephemeral = false });
        await b.FullyBootstrappedAsync();

        Assert.Equal([AddressOf(b)], await a.GetNodesAsync());
        Assert.Equal([AddressOf(a)], await b.GetNodesAsync());
        Assert.Equal(
            new[] { AddressOf(a), AddressOf(b) }.OrderBy(e => e.Port),
            (await bootstrap.GetNodesAsync()).OrderBy(e => e.Port));

        await DisposeAllAsync(bootstrap, a, b);
    }
}
