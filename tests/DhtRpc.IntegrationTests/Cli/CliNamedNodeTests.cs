using System.Globalization;
using DhtRpc.IntegrationTests.Interop;
using DhtRpc.Storage;
using DhtRpc.Storage.Stores;

namespace DhtRpc.IntegrationTests.Cli;

/// <summary>A verb aimed at one node with --node reaches it even when no bootstrap node answers.</summary>
[Collection(InteropCollection.Name)]
public sealed class CliNamedNodeTests
{
    private static readonly TimeSpan ExitLimit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Warehouse_store_and_get_with_node_work_with_every_bootstrap_down()
    {
        var port = FreePorts.Udp();
        await using var warehouse = DhtNode.CreateBootstrapper(port, "127.0.0.1");
        using var store = new InMemoryItemStore();
        await using var storage = new StorageNode(warehouse, store);
        await warehouse.FullyBootstrappedAsync();
        var node = $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
        var deadBootstrap = $"127.0.0.1:{FreePorts.Udp().ToString(CultureInfo.InvariantCulture)}";

        var stored = await DhtCli.RunAsync(ExitLimit, "warehouse", "store", "greeting", "hello", "--node", node, "--bootstrap", deadBootstrap);
        var got = await DhtCli.RunAsync(ExitLimit, "warehouse", "get", "greeting", "--node", node, "--bootstrap", deadBootstrap);

        Assert.True(stored.ExitCode == 0, stored.ToString());
        Assert.True(got.ExitCode == 0, got.ToString());
        Assert.Contains("hello", got.StandardOutput, StringComparison.Ordinal);
    }
}
