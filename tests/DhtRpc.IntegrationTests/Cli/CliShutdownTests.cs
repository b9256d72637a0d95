using System.Globalization;
using System.Text.Json;

namespace DhtRpc.IntegrationTests.Cli;

/// <summary>Ctrl-C (SIGINT) stops `dht node` the way SIGTERM does: peers saved, store closed, exit 0.</summary>
public sealed class CliShutdownTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Sigint_saves_peers_and_closes_the_store_and_a_restart_rejoins_with_the_bootstrap_down()
    {
        var data = Path.Combine(Path.GetTempPath(), $"dht-sigint-{Guid.NewGuid():N}");
        try
        {
            var nodePort = FreePorts.UdpOutsideEphemeralRange().ToString(CultureInfo.InvariantCulture);
            var nodeAddress = $"127.0.0.1:{nodePort}";
            var boot = DhtCliProcess.Start("bootstrap", "--host", "127.0.0.1", "--port", FreePorts.Udp().ToString(CultureInfo.InvariantCulture));
            string bootstrap;
            await using (boot)
            {
                bootstrap = (await boot.WaitForLineAsync(l => l.StartsWith("bootstrap listening on ", StringComparison.Ordinal), StartLimit)).Split(' ')[3];
                await boot.WaitForLineAsync(l => l == "ready", StartLimit);
                await using var network = DhtCliProcess.Start("network", "--nodes", "6", "--bootstrap", bootstrap, "--host", "127.0.0.1");
                await network.WaitForLineAsync(l => l.StartsWith("ready", StringComparison.Ordinal), StartLimit);

                var first = DhtCliProcess.StartInteractive("node", "--host", "127.0.0.1", "--port", nodePort, "--bootstrap", bootstrap, "--data", data, "--http", "0");
                await using (first)
                {
                    var http = (await first.WaitForLineAsync(l => l.StartsWith("http http://127.0.0.1:", StringComparison.Ordinal), StartLimit)).Split(' ')[1];
                    await first.WaitForLineAsync(l => l.StartsWith($"ready {nodeAddress} id ", StringComparison.Ordinal), StartLimit);
                    using (var client = new HttpClient())
                    {
                        using var status = JsonDocument.Parse(await client.GetStringAsync(new Uri(http + "/status"), TestContext.Current.CancellationToken));
                        Assert.Equal(nodeAddress, status.RootElement.GetProperty("address").GetString());
                        Assert.True(File.Exists(Path.Combine(data, "store.db-wal")), "a running node writes through the WAL");
                    }

                    var routing = await DhtCli.RunAsync(Limit, "routing", "--http", http, "--json");
                    Assert.True(routing.ExitCode == 0, routing.ToString());
                    using (var table = JsonDocument.Parse(routing.StandardOutput))
                    {
                        Assert.True(table.RootElement.GetProperty("size").GetInt32() >= 1, routing.StandardOutput);
                    }

                    var stats = await DhtCli.RunAsync(Limit, "stats", "--http", http, "--json");
                    Assert.True(stats.ExitCode == 0, stats.ToString());
                    using (var counters = JsonDocument.Parse(stats.StandardOutput))
                    {
                        Assert.True(counters.RootElement.GetProperty("requests").GetProperty("responses").GetInt64() >= 1, stats.StandardOutput);
                        Assert.True(counters.RootElement.TryGetProperty("storage", out _), stats.StandardOutput);
                    }

                    var shown = await DhtCli.RunAsync(Limit, "stats", "--http", http);
                    Assert.True(shown.ExitCode == 0, shown.ToString());
                    Assert.Contains(nodeAddress, shown.StandardOutput, StringComparison.Ordinal);
                    Assert.Contains("requests responses", shown.StandardOutput, StringComparison.Ordinal);
                    Assert.Contains("storage stored", shown.StandardOutput, StringComparison.Ordinal);

                    Assert.Equal(0, await first.SignalAsync("INT", Limit));
                    Assert.Contains("shutting down", first.Output, StringComparison.Ordinal);
                }

                Assert.False(File.Exists(Path.Combine(data, "store.db-wal")), "SIGINT left store.db-wal: the store was not closed");
                Assert.Equal(0, await boot.TerminateAsync(Limit));

                var second = DhtCliProcess.StartInteractive("node", "--host", "127.0.0.1", "--port", nodePort, "--bootstrap", bootstrap, "--data", data, "--verbose");
                await using (second)
                {
                    await second.WaitForLineAsync(l => l.StartsWith($"ready {nodeAddress} id ", StringComparison.Ordinal), StartLimit);
                    Assert.Contains("we remember", second.Output, StringComparison.Ordinal);
                    Assert.Equal(0, await second.SignalAsync("INT", Limit));
                }

                Assert.Equal(0, await network.TerminateAsync(Limit));
            }
        }
        finally
        {
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }
}
