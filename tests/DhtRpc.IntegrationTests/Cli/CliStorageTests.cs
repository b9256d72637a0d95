using System.Text.Json.Nodes;
using DhtRpc.IntegrationTests.Interop;

namespace DhtRpc.IntegrationTests.Cli;

/// <summary>The client verbs against a `dht network` of storage nodes: JSON and byte round trips, warehouses, refusals.</summary>
[Collection(InteropCollection.Name)]
public sealed class CliStorageTests(CliNetwork network) : IClassFixture<CliNetwork>
{
    public const string SampleHash = "fe55bb60efb0b18d59e644a55263b4be25d8c5217dfd55a7d18eb37f5958a494";

    public static string SamplePath => TestFiles.SampleJson;

    [Fact]
    public async Task PutJsonPrintsTheStudyHashLastAndGetJsonReturnsTheSameJson()
    {
        var put = await network.RunAsync("put-json", SamplePath);
        Assert.True(put.ExitCode == 0, put.ToString());
        var lines = Lines(put.StandardOutput);
        Assert.Equal(SampleHash, lines[^1]);
        Assert.Matches("on [1-9][0-9]* node", lines[0]);

        var get = await network.RunAsync("get-json", SampleHash);
        Assert.True(get.ExitCode == 0, get.ToString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(await File.ReadAllTextAsync(SamplePath)), JsonNode.Parse(get.StandardOutput)), get.ToString());

        var file = Path.Combine(Path.GetTempPath(), $"dht-get-json-{Guid.NewGuid():N}.json");
        try
        {
            var toFile = await network.RunAsync("get-json", SampleHash, file);
            Assert.True(toFile.ExitCode == 0, toFile.ToString());
            Assert.True(JsonNode.DeepEquals(JsonNode.Parse(await File.ReadAllTextAsync(SamplePath)), JsonNode.Parse(await File.ReadAllTextAsync(file))));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task PutJsonWithJsonOutputGivesHashAndReplicas()
    {
        var put = await network.RunAsync("put-json", SamplePath, "--json");
        Assert.True(put.ExitCode == 0, put.ToString());
        var result = JsonNode.Parse(Lines(put.StandardOutput)[^1])!;
        Assert.Equal(SampleHash, (string?)result["hash"]);
        Assert.True((int)result["replicas"]! >= 1, put.ToString());
    }

    [Fact]
    public async Task PutAndGetRoundTripALargeFileInChunks()
    {
        var input = Path.Combine(Path.GetTempPath(), $"dht-put-{Guid.NewGuid():N}.bin");
        var output = input + ".out";
        try
        {
            var bytes = new byte[150_000];
            new Random(7).NextBytes(bytes);
            await File.WriteAllBytesAsync(input, bytes);
            var put = await network.RunAsync("put", input);
            Assert.True(put.ExitCode == 0, put.ToString());
            var hash = Lines(put.StandardOutput)[^1];
            Assert.Contains("blocks", put.StandardOutput, StringComparison.Ordinal);

            var get = await network.RunAsync("get", hash, output);
            Assert.True(get.ExitCode == 0, get.ToString());
            Assert.Equal(bytes, await File.ReadAllBytesAsync(output));
        }
        finally
        {
            File.Delete(input);
            File.Delete(output);
        }
    }

    [Fact]
    public async Task GetJsonOfAnAbsentHashFailsSayingNoNodeHoldsIt()
    {
        var absent = new string('0', 63) + "1";
        var get = await network.RunAsync("get-json", absent);
        Assert.Equal(1, get.ExitCode);
        Assert.Contains($"No node holds {absent}", get.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WarehouseStoreGetListStatsDeleteRoundTrip()
    {
        var key = $"greeting-{Guid.NewGuid():N}";
        var store = await network.RunAsync("warehouse", "store", key, "hello warehouse");
        Assert.True(store.ExitCode == 0, store.ToString());
        Assert.Contains("on 3 warehouses", store.StandardOutput, StringComparison.Ordinal);

        var get = await network.RunAsync("warehouse", "get", key);
        Assert.True(get.ExitCode == 0, get.ToString());
        Assert.Equal("hello warehouse", Lines(get.StandardOutput)[^1]);

        var list = await network.RunAsync("warehouse", "list", "--all", "--json");
        Assert.True(list.ExitCode == 0, list.ToString());
        var inventories = JsonNode.Parse(Lines(list.StandardOutput)[^1])!.AsArray();
        var holding = inventories.Count(i => i!["items"]!.AsArray().Any(item => ((string?)item!["preview"])!.StartsWith("hello warehouse", StringComparison.Ordinal)));
        Assert.True(holding == 3, list.ToString());

        var table = await network.RunAsync("warehouse", "list", "--all");
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("Location", table.StandardOutput, StringComparison.Ordinal);

        var stats = await network.RunAsync("warehouse", "stats", key, "--json");
        Assert.True(stats.ExitCode == 0, stats.ToString());
        Assert.True((long)JsonNode.Parse(Lines(stats.StandardOutput)[^1])!["accessCount"]! >= 1, stats.ToString());

        var delete = await network.RunAsync("warehouse", "delete", key);
        Assert.True(delete.ExitCode == 0, delete.ToString());
        Assert.Contains("from 3 warehouses", delete.StandardOutput, StringComparison.Ordinal);

        var gone = await network.RunAsync("warehouse", "get", key);
        Assert.Equal(1, gone.ExitCode);
        Assert.Contains("holds it", gone.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WarehouseValueOverTheNodeLimitIsRefusedWithTheReason()
    {
        var store = await network.RunAsync("warehouse", "store", "too-big", new string('x', 61_000));
        Assert.Equal(1, store.ExitCode);
        Assert.Contains("larger than", store.StandardError, StringComparison.Ordinal);
        // The first signed store of the test run may also say it made the run's identity.
        Assert.Single(Lines(store.StandardError), line => !line.StartsWith("Made a new identity", StringComparison.Ordinal));

        var oversized = await network.RunAsync("warehouse", "store", "too-big", new string('x', 70_000));
        Assert.Equal(2, oversized.ExitCode);
        Assert.Contains("one UDP datagram", oversized.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PingLookupRoutingAndStatsAnswer()
    {
        var pong = await DhtCli.RunAsync(TimeSpan.FromSeconds(30), "ping", network.Bootstrap);
        Assert.True(pong.ExitCode == 0, pong.ToString());
        Assert.Contains("pong from " + network.Bootstrap, pong.StandardOutput, StringComparison.Ordinal);

        var lookup = await network.RunAsync("lookup", "hello", "--json");
        Assert.True(lookup.ExitCode == 0, lookup.ToString());
        var nodes = JsonNode.Parse(Lines(lookup.StandardOutput)[^1])!["nodes"]!.AsArray();
        Assert.True(nodes.Count >= CliNetwork.Nodes, lookup.ToString());

        var routing = await network.RunAsync("routing");
        Assert.True(routing.ExitCode == 0, routing.ToString());
        Assert.Contains("Bucket", routing.StandardOutput, StringComparison.Ordinal);

        var stats = await network.RunAsync("stats", "--json");
        Assert.True(stats.ExitCode == 0, stats.ToString());
        Assert.NotNull(JsonNode.Parse(Lines(stats.StandardOutput)[^1])!["info"]);
    }

    internal static string[] Lines(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
