using DhtRpc;
using DhtRpc.Query;
using DhtRpc.Storage;
using DhtRpc.Storage.Client;
using DhtRpc.Storage.Stores;
using DhtRpc.Wire;

namespace DhtRpc.IntegrationTests.Readme;

/// <summary>
/// The README's library example, compiled and run by <see cref="ReadmeExampleTests"/>. The lines between
/// the markers are the README's code block, indented; a test keeps the two the same.
/// </summary>
internal static class ReadmeExample
{
    public static async Task<string?> RunAsync(TextWriter output)
    {
        var Console = output;

        // README:begin
        // A bootstrap node and three storage nodes on this machine.
        await using var bootstrap = DhtNode.CreateBootstrapper(10001, "127.0.0.1");
        var nodes = new List<(DhtNode Node, StorageNode Storage)>();
        for (var i = 0; i < 3; i++)
        {
            var node = new DhtNode(new DhtNodeOptions { Host = "127.0.0.1", Bootstrap = ["127.0.0.1:10001"], Ephemeral = false });
            nodes.Add((node, new StorageNode(node, new InMemoryItemStore())));   // or new SqliteItemStore("./data")
            await node.FullyBootstrappedAsync();
        }

        // A client: put JSON by its SHA-256, get it back from whichever node holds it (verified against the hash).
        await using var me = new DhtNode(new DhtNodeOptions { Host = "127.0.0.1", Bootstrap = ["127.0.0.1:10001"] });
        await me.FullyBootstrappedAsync();
        var client = new DhtStorageClient(me);
        var put = await client.PutJsonAsync("""{"hello": "world"}""");   // put.Key = sha256 of {"hello":"world"}
        string? json = await client.GetJsonAsync(put.Key);
        Console.WriteLine($"{put.Key} on {put.Replicas} nodes: {json}");

        // The DHT itself: an iterative query towards a target, each reply as it arrives.
        var query = me.Query(NodeId.Random(), command: 1, value: null, new QueryOptions());
        await foreach (var reply in query) Console.WriteLine(reply);

        foreach (var (node, storage) in nodes)
        {
            await storage.DisposeAsync();
            await node.DisposeAsync();
        }
        // README:end

        return json;
    }
}
