using System.Text.Json.Nodes;
using DhtRpc.IntegrationTests.Cli;
using DhtRpc.Storage.Protocol;

namespace DhtRpc.IntegrationTests.Interop;

/// <summary>
/// `dht warehouse list` and `stats` against a JavaScript warehouse that answers as the study's does
/// (peer.mjs behaviour warehouse): LIST returns the whole inventory whatever the page offset, KEY_STATS
/// the raw value.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class CliJsWarehouseTests(ITestOutputHelper output)
{
    private static readonly TimeSpan CliLimit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task List_reads_a_study_warehouse_in_at_most_two_requests_and_stats_says_in_one_sentence_why_it_has_none()
    {
        await NodeJs.EnsureReadyAsync();
        await using var peer = await JsPeer.StartAsync();
        var boot = await peer.BootstrapperAsync();
        var warehouse = (await peer.NodesAsync([boot.Address], 1, ephemeral: false, behaviour: "warehouse"))[0];
        (string Key, string Value)[] items = [("greeting", "hello from a warehouse of the study"), ("colour", "{\"theme\":\"dark\"}")];
        foreach (var (key, value) in items)
        {
            var store = await DhtAsync("warehouse", "store", "--unsigned", key, value, "--node", warehouse.Address, "--bootstrap", boot.Address);
            Assert.True(store.ExitCode == 0, store.ToString());
        }

        Assert.Equal(2, (await peer.SendAsync("nodes"))["nodes"]!.AsArray().Count);
        await peer.LogAsync(warehouse.Index);

        var list = await DhtAsync("warehouse", "list", "--node", warehouse.Address, "--bootstrap", boot.Address);
        Assert.True(list.ExitCode == 0, list.ToString());
        output.WriteLine(list.StandardOutput);
        Assert.Contains("2 items on 1 warehouse", list.StandardOutput, StringComparison.Ordinal);
        Assert.InRange(await ListRequestsAsync(peer, warehouse), 1, 2);

        var json = await DhtAsync("warehouse", "list", "--json", "--node", warehouse.Address, "--bootstrap", boot.Address);
        Assert.True(json.ExitCode == 0, json.ToString());
        var inventories = JsonNode.Parse(json.StandardOutput.Trim())!.AsArray();
        var inventory = Assert.Single(inventories)!;
        Assert.Equal(warehouse.Address, (string?)inventory["node"]);
        var listed = inventory["items"]!.AsArray();
        Assert.Equal(items.Select(i => Preview(i.Value)).Order(), listed.Select(i => (string)i!["preview"]!).Order());
        Assert.Equal(items.Select(i => i.Value.Length).Order(), listed.Select(i => (int)i!["size"]!).Order());
        Assert.InRange(await ListRequestsAsync(peer, warehouse), 1, 2);

        var named = await DhtAsync("warehouse", "stats", "greeting", "--node", warehouse.Address, "--bootstrap", boot.Address);
        output.WriteLine(named.StandardError);
        Assert.Equal(1, named.ExitCode);
        AssertOneSentence(named.StandardError);
        Assert.StartsWith($"Warehouse {warehouse.Address} holds no statistics of 'greeting' this client can read (", named.StandardError.Trim(), StringComparison.Ordinal);

        var found = await DhtAsync("warehouse", "stats", "greeting", "--bootstrap", boot.Address);
        output.WriteLine(found.StandardError);
        Assert.Equal(1, found.ExitCode);
        AssertOneSentence(found.StandardError);
        Assert.StartsWith("No warehouse near 'greeting' has statistics this client can read (", found.StandardError.Trim(), StringComparison.Ordinal);
        var stats = (await peer.LogAsync(warehouse.Index)).Count(e => (int)e!["command"]! == (int)StorageCommands.WarehouseKeyStats);
        Assert.True(stats >= 2, $"the warehouse logged {stats} KEY_STATS requests");
    }

    private static Task<ProcessResult> DhtAsync(params string[] arguments) => DhtCli.RunAsync(CliLimit, arguments);

    /// <summary>The study's preview: the first 30 characters and "...".</summary>
    private static string Preview(string value) => value[..Math.Min(30, value.Length)] + "...";

    /// <summary>LIST requests the warehouse logged since the log was last read (reading clears it).</summary>
    private static async Task<int> ListRequestsAsync(JsPeer peer, JsNode warehouse) =>
        (await peer.LogAsync(warehouse.Index)).Count(e => (int)e!["command"]! == (int)StorageCommands.WarehouseList);

    private static void AssertOneSentence(string stderr)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var line = Assert.Single(lines);
        Assert.EndsWith(".", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", line, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", line, StringComparison.Ordinal);
    }
}
