using System.Globalization;
using DhtRpc.Crypto;
using DhtRpc.Wire;
using DhtRpc.IntegrationTests.Interop;

namespace DhtRpc.IntegrationTests.Cli;

/// <summary>`dht bootstrap --port 0` takes a free port, as its help says, and is reachable there.</summary>
[Collection(InteropCollection.Name)]
public sealed class BootstrapPortTests
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ExitLimit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Port_zero_binds_a_free_port_and_the_bootstrap_answers_there_with_the_id_of_that_address()
    {
        await using var cli = DhtCliProcess.Start("bootstrap", "--host", "127.0.0.1", "--port", "0");
        var listening = await cli.WaitForLineAsync(line => line.StartsWith("bootstrap listening on ", StringComparison.Ordinal), StartLimit);
        await cli.WaitForLineAsync(line => line == "ready", StartLimit);

        var address = listening["bootstrap listening on ".Length..].Split(' ')[0];
        var port = int.Parse(address.Split(':')[1], CultureInfo.InvariantCulture);
        Assert.InRange(port, 1, 65535);

        await using (var client = new DhtNode(new DhtNodeOptions { Host = "127.0.0.1", Ephemeral = true }))
        {
            var reply = await client.PingAsync(Ipv4Endpoint.Loopback(port)).WaitAsync(ExitLimit);
            Assert.Equal(0UL, reply.Error);
            Assert.Equal(Blake2b.NodeIdOf(Ipv4Endpoint.Loopback(port)), reply.From.Id);
        }

        Assert.Equal(0, await cli.TerminateAsync(ExitLimit));
    }
}
