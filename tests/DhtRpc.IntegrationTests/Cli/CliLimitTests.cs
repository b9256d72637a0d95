using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using DhtRpc.IntegrationTests.Interop;
using DhtRpc.Wire;

namespace DhtRpc.IntegrationTests.Cli;

/// <summary>
/// `--limit-local` holds loopback peers to a public node's request budget, and `dht stats --node`
/// shows what a bootstrap node dropped; without the flag, loopback is spared.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class CliLimitTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_bootstrap_reports_the_requests_its_budget_dropped(bool limitLocal)
    {
        var port = FreePorts.Udp().ToString(CultureInfo.InvariantCulture);
        var node = "127.0.0.1:" + port;
        string[] flags = limitLocal ? ["--limit-local"] : [];
        await using var bootstrap = DhtCliProcess.Start(["bootstrap", "--port", port, .. flags]);
        await bootstrap.WaitForLineAsync(line => line == "ready", Limit);

        // 6,000 PINGs from one address in runs of 200 (fewer than the node's receive buffer holds), a
        // couple of milliseconds apart: far over the 2,048 burst plus 1,024 a second.
        var sent = SendPings(Ipv4Endpoint.Parse(node), count: 6000);
        var stats = await DhtCli.RunAsync(Limit, "stats", "--node", node, "--bootstrap", node, "--json");

        Assert.True(stats.ExitCode == 0, stats.ToString());
        var counters = JsonNode.Parse(stats.StandardOutput)!["info"]!["counters"]!;
        var limited = (long)counters["limited.requestsOverSourceRate"]!;
        if (limitLocal)
        {
            Assert.InRange(limited, 1, sent);
        }
        else
        {
            Assert.Equal(0, limited);
        }
    }

    private static int SendPings(Ipv4Endpoint to, int count)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
        var target = new IPEndPoint(IPAddress.Loopback, to.Port);
        for (var i = 0; i < count; i++)
        {
            if (i % 200 == 199)
            {
                Thread.Sleep(2);
            }

            socket.SendTo(new RequestMessage { Tid = (ushort)i, To = to, Internal = true, Command = Commands.Ping }.ToArray(), target);
        }

        return count;
    }
}
