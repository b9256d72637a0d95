using System.Globalization;
using System.Net;
using System.Net.Sockets;
using DhtRpc.Crypto;
using DhtRpc.Wire;
using DhtRpc.IntegrationTests.Interop;

namespace DhtRpc.IntegrationTests.Cli;

/// <summary>The `dht` executable as a process: start-up, readiness, service, shutdown and error exits.</summary>
[Collection(InteropCollection.Name)]
public sealed class CliTests
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ExitLimit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task BootstrapPrintsReadyAnswersPingAndExitsZeroOnSigterm()
    {
        var port = FreePorts.Udp();
        await using var cli = DhtCliProcess.Start("bootstrap", "--host", "127.0.0.1", "--port", Text(port));
        await cli.WaitForLineAsync(line => line == "ready", StartLimit);

        await using (var client = new DhtNode(new DhtNodeOptions { Host = "127.0.0.1", Ephemeral = true }))
        {
            var reply = await client.PingAsync(Ipv4Endpoint.Loopback(port)).WaitAsync(ExitLimit);
            Assert.Equal(0UL, reply.Error);
            Assert.Equal(Blake2b.NodeIdOf(Ipv4Endpoint.Loopback(port)), reply.From.Id);
        }

        Assert.Equal(0, await cli.TerminateAsync(ExitLimit));
    }

    [Fact]
    public async Task NetworkOf20JoinsAndIsFoundThroughTheBootstrap()
    {
        var port = FreePorts.Udp();
        var bootstrap = $"127.0.0.1:{Text(port)}";
        await using var boot = DhtCliProcess.Start("bootstrap", "--host", "127.0.0.1", "--port", Text(port));
        await boot.WaitForLineAsync(line => line == "ready", StartLimit);
        await using var network = DhtCliProcess.Start("network", "--nodes", "20", "--bootstrap", bootstrap, "--host", "127.0.0.1");
        await network.WaitForLineAsync(line => line.StartsWith("ready", StringComparison.Ordinal), StartLimit);

        await using (var client = new DhtNode(new DhtNodeOptions { Host = "127.0.0.1", Ephemeral = true, Bootstrap = [bootstrap] }))
        {
            await client.FullyBootstrappedAsync().WaitAsync(StartLimit);
            var query = client.FindNode(NodeId.Random());
            await query.ToListAsync().WaitAsync(StartLimit);
            var found = query.ClosestReplies.Select(r => r.From).ToList();
            Assert.True(found.Count >= 20, $"found {found.Count} nodes");
            Assert.All(found, peer => Assert.Equal(Blake2b.NodeIdOf(peer.Endpoint), peer.Id));
            Assert.Equal(found.Count, found.Select(p => p.Endpoint).Distinct().Count());
        }

        Assert.Equal(0, await network.TerminateAsync(ExitLimit));
        Assert.Equal(0, await boot.TerminateAsync(ExitLimit));
    }

    [Fact]
    public async Task BootstrapOnAnInvalidPortExitsWithAMessage()
    {
        var result = await DhtCli.RunAsync(ExitLimit, "bootstrap", "--host", "127.0.0.1", "--port", "70000");
        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Contains("70000", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BootstrapOnABoundPortExitsSayingItCannotBind()
    {
        using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        taken.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)taken.LocalEndPoint!).Port;

        var result = await DhtCli.RunAsync(ExitLimit, "bootstrap", "--host", "127.0.0.1", "--port", Text(port));
        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Contains("bind", result.StandardError, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("ready", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NetworkWithAMalformedBootstrapExitsTwo()
    {
        var result = await DhtCli.RunAsync(ExitLimit, "network", "--nodes", "2", "--bootstrap", "nonsense");
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("nonsense", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NetworkWithNoBootstrapListeningFailsNamingTheAddress()
    {
        var bootstrap = $"127.0.0.1:{Text(FreePorts.Udp())}";
        var result = await DhtCli.RunAsync(TimeSpan.FromSeconds(90), "network", "--nodes", "2", "--bootstrap", bootstrap, "--host", "127.0.0.1");
        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Contains(bootstrap, result.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("ready", result.StandardOutput, StringComparison.Ordinal);
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
