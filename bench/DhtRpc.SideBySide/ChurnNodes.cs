using System.Diagnostics;
using System.Text.Json;
using DhtRpc.Storage;
using DhtRpc.Storage.Client;
using DhtRpc.Storage.Stores;
using DhtRpc.Wire;

namespace DhtRpc.SideBySide;

/// <summary>Our side of the churn measurement, mirroring bench/js/churn-host.mjs and churn-client.mjs.</summary>
internal static class ChurnNodes
{
    /// <summary>A bootstrapper alone, or --nodes N persistent nodes (storage nodes in memory with --storage true); "ready PORT", then runs until killed.</summary>
    public static async Task<int> HostAsync(Args args)
    {
        var nodes = new List<DhtNode>();
        var storage = new List<StorageNode>();
        void Serve(DhtNode node)
        {
            if (args.Get("storage") == "true")
            {
                storage.Add(new StorageNode(node, new InMemoryItemStore()));
            }
        }

        if (args.Get("bootstrapper") == "true")
        {
            var port = args.Int("port", 0);
            port = port == 0 ? UdpTools.FreeUdpPort() : port;
            var boot = DhtNode.CreateBootstrapper(port, "127.0.0.1", new DhtNodeOptions { Host = "127.0.0.1" });
            nodes.Add(boot);
            Serve(boot);
            await boot.FullyBootstrappedAsync().ConfigureAwait(false);
            Console.WriteLine($"ready {port}");
        }
        else
        {
            string[] bootstrap = [args.Get("bootstrap") ?? throw new ArgumentException("--bootstrap is required")];
            for (var i = 0; i < args.Int("nodes", 10); i++)
            {
                nodes.Add(new DhtNode(new DhtNodeOptions { Host = "127.0.0.1", Bootstrap = bootstrap, Ephemeral = false }));
                Serve(nodes[^1]);
            }

            await Task.WhenAll(nodes.Select(n => n.FullyBootstrappedAsync()))
                .WaitAsync(TimeSpan.FromMilliseconds(args.Int("timeout-ms", 120_000))).ConfigureAwait(false);
            Console.WriteLine($"ready {nodes[0].ServerEndpoint!.Value.Port}");
        }

        await Task.Delay(Timeout.Infinite).ConfigureAwait(false);
        GC.KeepAlive(nodes);
        GC.KeepAlive(storage);
        return 0;
    }

    /// <summary>
    /// A fresh ephemeral client: join through --bootstrap, then one FIND_NODE of a random target. With
    /// --put N it stores N JSON documents first and prints their keys; with --get KEY it also times a
    /// get of KEY after the lookup.
    /// </summary>
    public static async Task<int> ClientAsync(Args args)
    {
        var budget = TimeSpan.FromMilliseconds(args.Int("timeout-ms", 60_000));
        var clock = Stopwatch.StartNew();
        var result = new Dictionary<string, object?> { ["impl"] = "ours" };
        using var log = args.Get("trace") == "true" ? new StderrLog() : null;
        await using var node = new DhtNode(new DhtNodeOptions { Host = "127.0.0.1", Bootstrap = [args.Get("bootstrap")!], LoggerFactory = log });
        try
        {
            await node.FullyBootstrappedAsync().WaitAsync(budget).ConfigureAwait(false);
            result["joinMs"] = clock.Elapsed.TotalMilliseconds;
            var client = new DhtStorageClient(node);
            if (args.Int("put", 0) is > 0 and var puts)
            {
                var keys = new List<string>();
                for (var i = 0; i < puts; i++)
                {
                    var put = await client.PutJsonAsync(OurNodes.DocumentOf(i, args.Int("size", 1024))).WaitAsync(budget).ConfigureAwait(false);
                    if (put.Replicas > 0)
                    {
                        keys.Add(put.Key.ToString());
                    }
                }

                result["keys"] = keys;
            }

            var lookup = Stopwatch.StartNew();
            var query = node.FindNode(NodeId.Random());
            await query.Completion.WaitAsync(budget).ConfigureAwait(false);
            result["lookupMs"] = lookup.Elapsed.TotalMilliseconds;
            result["closest"] = query.ClosestReplies.Count;
            if (args.Get("get") is { } key)
            {
                var get = Stopwatch.StartNew();
                var value = await client.GetJsonAsync(NodeId.Parse(key)).WaitAsync(budget).ConfigureAwait(false);
                result["getMs"] = get.Elapsed.TotalMilliseconds;
                result["found"] = value is not null;
            }
        }
        catch (Exception e) when (e is DhtException or TimeoutException or StorageException)
        {
            result["error"] = e.Message;
        }

        result["totalMs"] = clock.Elapsed.TotalMilliseconds;
        Console.WriteLine(JsonSerializer.Serialize(result));
        return 0;
    }
}
