using System.Globalization;
using System.Text.Json.Nodes;

namespace DhtRpc.IntegrationTests.Cli;

/// <summary>The native `dht`: serving, storing, warehouses, JSON output and the simulation chart all work without a JIT.</summary>
public sealed class NativeDhtTests(NativeDht dht) : IClassFixture<NativeDht>
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task ANativeNetworkStoresFindsAndReportsInJson()
    {
        var port = FreePorts.Udp().ToString(CultureInfo.InvariantCulture);
        var bootstrap = "127.0.0.1:" + port;
        await using var boot = DhtCliProcess.StartProgram(dht.Executable, "bootstrap", "--host", "127.0.0.1", "--port", port);
        await boot.WaitForLineAsync(line => line == "ready", StartLimit);
        await using var network = DhtCliProcess.StartProgram(dht.Executable, "network", "--nodes", "8", "--bootstrap", bootstrap, "--host", "127.0.0.1");
        await network.WaitForLineAsync(line => line.StartsWith("ready", StringComparison.Ordinal), StartLimit);

        var lookup = await dht.RunAsync("lookup", "hello", "--json", "--bootstrap", bootstrap);
        Assert.True(lookup.ExitCode == 0, lookup.ToString());
        Assert.True(Json(lookup)["nodes"]!.AsArray().Count >= 8, lookup.ToString());

        var put = await dht.RunAsync("put-json", Path.Combine("data", "sample.json"), "--json", "--bootstrap", bootstrap);
        Assert.True(put.ExitCode == 0, put.ToString());
        var hash = (string)Json(put)["hash"]!;
        Assert.Equal("fe55bb60efb0b18d59e644a55263b4be25d8c5217dfd55a7d18eb37f5958a494", hash);
        var get = await dht.RunAsync("get-json", hash, "--bootstrap", bootstrap);
        Assert.True(get.ExitCode == 0, get.ToString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "data", "sample.json"))), JsonNode.Parse(get.StandardOutput)), get.ToString());

        var store = await dht.RunAsync("warehouse", "store", "native", "stored without a JIT", "--bootstrap", bootstrap);
        Assert.True(store.ExitCode == 0, store.ToString());
        var list = await dht.RunAsync("warehouse", "list", "--all", "--json", "--bootstrap", bootstrap);
        Assert.True(list.ExitCode == 0, list.ToString());
        var previews = Json(list).AsArray().SelectMany(i => i!["items"]!.AsArray()).Select(item => (string?)item!["preview"]).ToList();
        Assert.Contains(previews, p => p!.StartsWith("stored without a JIT", StringComparison.Ordinal));

        var stats = await dht.RunAsync("stats", "--json", "--bootstrap", bootstrap);
        Assert.True(stats.ExitCode == 0, stats.ToString());
        Assert.Equal(64, ((string?)Json(stats)["info"]!["nodeId"])?.Length);

        var bootstrapStats = await dht.RunAsync("stats", "--node", bootstrap, "--json", "--bootstrap", bootstrap);
        Assert.True(bootstrapStats.ExitCode == 0, bootstrapStats.ToString());
        Assert.NotNull(Json(bootstrapStats)["info"]!["counters"]!["limited.requestsOverSourceRate"]);
    }

    [Fact]
    public async Task TheNativeSimulationDrawsItsChart()
    {
        var output = Path.Combine(Path.GetTempPath(), $"dht-native-sim-{Guid.NewGuid():N}");
        try
        {
            var run = await dht.RunAsync("simulate", "--nodes", "200", "--lookups", "20", "--out", output);
            Assert.True(run.ExitCode == 0, run.ToString());
            var png = await File.ReadAllBytesAsync(Path.Combine(output, "simulate.png"));
            Assert.True(png.Length > 1000 && png[1] == (byte)'P' && png[2] == (byte)'N' && png[3] == (byte)'G', $"not a PNG: {png.Length} bytes");
        }
        finally
        {
            if (Directory.Exists(output))
            {
                Directory.Delete(output, recursive: true);
            }
        }
    }

    private static JsonNode Json(ProcessResult result) =>
        JsonNode.Parse(result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1])!;
}
