using System.Globalization;
using DhtRpc.Crypto;
using DhtRpc.IntegrationTests.Interop;
using DhtRpc.Wire;

namespace DhtRpc.IntegrationTests.Cli;

/// <summary>`dht network --data DIR` brings each node back on the port it had, so its id and what it holds stay together.</summary>
[Collection(InteropCollection.Name)]
public sealed class CliPortKeptTests
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ExitLimit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_restarted_network_with_data_takes_each_nodes_port_again()
    {
        var bootstrapPort = FreePorts.Udp();
        await using var bootstrap = DhtNode.CreateBootstrapper(bootstrapPort, "127.0.0.1");
        await bootstrap.FullyBootstrappedAsync();
        var entry = $"127.0.0.1:{bootstrapPort.ToString(CultureInfo.InvariantCulture)}";
        var data = Directory.CreateTempSubdirectory("dht-ports-").FullName;
        try
        {
            var first = await RunUntilReadyAsync(entry, data);
            var ports = Enumerable.Range(0, 2).Select(i => File.ReadAllText(Path.Combine(data, $"node-{i}", "port")).Trim()).ToList();
            Assert.Equal(0, first);

            await using var second = DhtCliProcess.Start("network", "--nodes", "2", "--host", "127.0.0.1", "--bootstrap", entry, "--data", data);
            await second.WaitForLineAsync(line => line.StartsWith("ready", StringComparison.Ordinal), StartLimit);
            await using (var client = new DhtNode(new DhtNodeOptions { Host = "127.0.0.1", Ephemeral = true }))
            {
                foreach (var port in ports.Select(p => int.Parse(p, CultureInfo.InvariantCulture)))
                {
                    var reply = await client.PingAsync(Ipv4Endpoint.Loopback(port)).WaitAsync(ExitLimit);
                    Assert.Equal(Blake2b.NodeIdOf(Ipv4Endpoint.Loopback(port)), reply.From.Id);
                }
            }

            Assert.Equal(0, await second.TerminateAsync(ExitLimit));
            Assert.Equal(ports, Enumerable.Range(0, 2).Select(i => File.ReadAllText(Path.Combine(data, $"node-{i}", "port")).Trim()));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<int> RunUntilReadyAsync(string entry, string data)
    {
        await using var network = DhtCliProcess.Start("network", "--nodes", "2", "--host", "127.0.0.1", "--bootstrap", entry, "--data", data);
        await network.WaitForLineAsync(line => line.StartsWith("ready", StringComparison.Ordinal), StartLimit);
        return await network.TerminateAsync(ExitLimit);
    }
}
