using System.Globalization;
using System.Text.RegularExpressions;

namespace DhtRpc.IntegrationTests.Cli;

/// <summary>`dht bootstrap --verbose` tells who asks, what it answers, and how its routing table grows.</summary>
public sealed class CliBootstrapVerboseTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Two_joining_nodes_are_told_as_requests_and_as_table_growth()
    {
        var port = FreePorts.Udp().ToString(CultureInfo.InvariantCulture);
        var entry = "127.0.0.1:" + port;
        await using var bootstrap = DhtCliProcess.Start("bootstrap", "--host", "127.0.0.1", "--port", port, "--verbose");
        await bootstrap.WaitForLineAsync(line => line == "ready", Limit);
        await using var first = DhtCliProcess.Start("node", "--bootstrap", entry);
        await using var second = DhtCliProcess.Start("node", "--bootstrap", entry);
        var ports = new[]
        {
            PortOf(await first.WaitForLineAsync(line => line.StartsWith("ready ", StringComparison.Ordinal), Limit)),
            PortOf(await second.WaitForLineAsync(line => line.StartsWith("ready ", StringComparison.Ordinal), Limit)),
        };

        await bootstrap.WaitForLineAsync(line => line.EndsWith("; 2 nodes in the table", StringComparison.Ordinal), Limit);
        var told = bootstrap.Output.Split('\n');

        foreach (var p in ports)
        {
            var at = Regex.Escape("127.0.0.1:" + p);
            Assert.Single(told, line => Regex.IsMatch(line, $@"^routing table: {at} \(id [0-9a-f]{{12}}…\) entered bucket \d+; [12] nodes? in the table$"));
            Assert.Single(told, line => Regex.IsMatch(line, $@"^request: FIND_NODE from {at}( \(first contact, id verified\))? toward [0-9a-f]{{16}}…: answered with the nodes closest to that id among the [0-2] nodes? we know \(at most 20\)$"));
        }

        Assert.Single(told, line => line.EndsWith("; 1 node in the table", StringComparison.Ordinal));
        Assert.Contains(told, line => Regex.IsMatch(line, @"^request: PING from 127\.0\.0\.1:\d+ \(first contact, no id: a temporary port\): answered with our id and the address we see it at$"));
        Assert.DoesNotContain(told, line => line.Contains("left (it stopped answering)", StringComparison.Ordinal));
    }

    private static string PortOf(string ready) => ready.Split(' ')[1].Split(':')[1];
}
