using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using DhtRpc.Wire;
using DhtRpc.Storage;
using DhtRpc.Storage.Client;
using DhtRpc.Storage.Stores;

namespace DhtRpc.SideBySide;

/// <summary>Our side of each measurement, mirroring bench/js/*.mjs step by step.</summary>
internal static partial class OurNodes
{
    public static async Task<int> PingServerAsync(Args args)
    {
        var port = args.Int("port", 0);
        port = port == 0 ? UdpTools.FreeUdpPort() : port;
        await using var node = DhtNode.CreateBootstrapper(port, "127.0.0.1", new DhtNodeOptions { Host = "127.0.0.1" });
        await node.FullyBootstrappedAsync().ConfigureAwait(false);
        Console.WriteLine($"ready {port}");
        await Task.Run(() => Console.In.ReadToEnd()).ConfigureAwait(false);
        return 0;
    }

    /// <summary>Bootstrapper plus N nodes joining in waves; RSS per node; FIND_NODE lookups of random targets.</summary>
    public static async Task<int> SwarmAsync(Args args)
    {
        var count = args.Int("nodes", 500);
        var wave = args.Int("wave", 10);
        var lookups = args.Int("lookups", 200);
        var budget = TimeSpan.FromMilliseconds(args.Int("timeout-ms", 300_000));
        var started = Stopwatch.StartNew();
        var boot = await StartBootstrapperAsync().ConfigureAwait(false);

        // The baseline is taken with the code loaded and one node (the bootstrapper) running, so the
        // figure is what each further node adds, not the runtime's and libraries' one-time cost.
        CollectAndDecommit();
        var baseline = RssBytes();
        var smapsDir = args.Get("smaps-dir");
        DumpSmaps(smapsDir, "before");
        string[] bootstrap = [$"127.0.0.1:{boot.ServerEndpoint!.Value.Port}"];
        var nodes = new List<DhtNode>(count);
        var clock = Stopwatch.StartNew();
        await JoinAsync(nodes, count, wave, bootstrap, budget - started.Elapsed, null).ConfigureAwait(false);
        var bootstrapSeconds = clock.Elapsed.TotalSeconds;
        Collect();
        var rssKeptByGc = RssBytes();
        CollectAndDecommit();
        var rss = RssBytes();
        DumpSmaps(smapsDir, "after");
        var gc = GC.GetGCMemoryInfo();

        var random = new Random();
        var latencies = new List<double>();
        var failures = 0;
        for (var i = 0; i < lookups && started.Elapsed < budget; i++)
        {
            var node = nodes[random.Next(nodes.Count)];
            var s = Stopwatch.StartNew();
            try
            {
                await node.FindNode(NodeId.Random()).Completion.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
                latencies.Add(s.Elapsed.TotalMilliseconds);
            }
            catch (Exception e) when (e is DhtException or TimeoutException)
            {
                failures++;
            }
        }

        latencies.Sort();
        var result = new Dictionary<string, object?>
        {
            ["impl"] = "ours",
            ["nodes"] = nodes.Count,
            ["bootstrapSeconds"] = bootstrapSeconds,
            ["rssPerNodeBytes"] = (double)(rss - baseline) / nodes.Count,
            ["rssPerNodeBeforeDecommitBytes"] = (double)(rssKeptByGc - baseline) / nodes.Count,
            ["gcHeapBytes"] = gc.HeapSizeBytes,
            ["gcCommittedBytes"] = gc.TotalCommittedBytes,
            ["lookups"] = latencies.Count,
            ["lookupFailures"] = failures,
            ["lookupMedianMs"] = Percentile(latencies, 0.5),
            ["lookupP90Ms"] = Percentile(latencies, 0.9),
        };
        await DisposeAllAsync([.. nodes, boot]).ConfigureAwait(false);
        Console.WriteLine(JsonSerializer.Serialize(result));
        return 0;
    }

    /// <summary>Storage nodes (in memory) plus an ephemeral client: PutJsonAsync then GetJsonAsync per document.</summary>
    public static async Task<int> StorageAsync(Args args)
    {
        var count = args.Int("nodes", 30);
        var ops = args.Int("ops", 50);
        var size = args.Int("size", 1024);
        var wave = args.Int("wave", 10);
        var budget = TimeSpan.FromMilliseconds(args.Int("timeout-ms", 120_000));
        var started = Stopwatch.StartNew();
        var boot = await StartBootstrapperAsync().ConfigureAwait(false);
        var storage = new List<StorageNode> { new(boot, new InMemoryItemStore()) };
        string[] bootstrap = [$"127.0.0.1:{boot.ServerEndpoint!.Value.Port}"];
        var nodes = new List<DhtNode>(count);
        await JoinAsync(nodes, count, wave, bootstrap, budget, n => storage.Add(new StorageNode(n, new InMemoryItemStore()))).ConfigureAwait(false);
        // --clients C: C ephemeral client nodes, each taking the next document (or key) as soon as it is free.
        var clientNodes = new List<DhtNode>();
        for (var c = 0; c < Math.Max(1, args.Int("clients", 1)); c++)
        {
            var clientNode = new DhtNode(new DhtNodeOptions { Host = "127.0.0.1", Bootstrap = bootstrap, Ephemeral = true });
            clientNodes.Add(clientNode);
            await clientNode.FullyBootstrappedAsync().ConfigureAwait(false);
        }

        var clients = clientNodes.Select(n => new DhtStorageClient(n)).ToList();
        var stored = new NodeId?[ops];
        var putFailures = 0;
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(clients.Select(async client =>
        {
            for (var i = Interlocked.Increment(ref next); i < ops && started.Elapsed < budget; i = Interlocked.Increment(ref next))
            {
                try
                {
                    var put = await client.PutJsonAsync(DocumentOf(i, size)).WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
                    if (put.Replicas > 0)
                    {
                        stored[i] = put.Key;
                    }
                    else
                    {
                        Interlocked.Increment(ref putFailures);
                    }
                }
                catch (Exception e) when (e is DhtException or TimeoutException or StorageRefusedException)
                {
                    Interlocked.Increment(ref putFailures);
                }
            }
        })).ConfigureAwait(false);

        var putSeconds = clock.Elapsed.TotalSeconds;
        var keys = stored.OfType<NodeId>().ToList();
        var puts = keys.Count + putFailures;
        var found = 0;
        var getFailures = 0;
        next = -1;
        clock.Restart();
        await Task.WhenAll(clients.Select(async client =>
        {
            for (var i = Interlocked.Increment(ref next); i < keys.Count && started.Elapsed < budget; i = Interlocked.Increment(ref next))
            {
                try
                {
                    if (await client.GetJsonAsync(keys[i]).WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false) is not null)
                    {
                        Interlocked.Increment(ref found);
                    }
                    else
                    {
                        Interlocked.Increment(ref getFailures);
                    }
                }
                catch (Exception e) when (e is DhtException or TimeoutException)
                {
                    Interlocked.Increment(ref getFailures);
                }
            }
        })).ConfigureAwait(false);

        var getSeconds = clock.Elapsed.TotalSeconds;
        var result = new Dictionary<string, object?>
        {
            ["impl"] = "ours",
            ["nodes"] = nodes.Count + 1,
            ["clients"] = clients.Count,
            ["size"] = Encoding.UTF8.GetByteCount(DocumentOf(0, size)),
            ["puts"] = puts,
            ["putFailures"] = putFailures,
            ["putsPerSecond"] = puts / putSeconds,
            ["gets"] = found + getFailures,
            ["getFailures"] = getFailures,
            ["getsPerSecond"] = (found + getFailures) / getSeconds,
        };
        foreach (var s in storage)
        {
            await s.DisposeAsync().ConfigureAwait(false);
        }

        await DisposeAllAsync([.. clientNodes, .. nodes, boot]).ConfigureAwait(false);
        Console.WriteLine(JsonSerializer.Serialize(result));
        return 0;
    }

    /// <summary>The same document shape as bench/js/storage.mjs: {"i":i,"pad":"xxx…"} of about <paramref name="size"/> bytes.</summary>
    public static string DocumentOf(int i, int size)
    {
        var head = $"{{\"i\":{i},\"pad\":\"\"}}";
        return $"{{\"i\":{i},\"pad\":\"{new string('x', Math.Max(0, size - head.Length))}\"}}";
    }

    public static long RssBytes()
    {
        var match = RssPattern().Match(File.ReadAllText("/proc/self/status"));
        return match.Success ? long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) * 1024 : Environment.WorkingSet;
    }

    /// <summary>Copies /proc/self/smaps into DIR/NAME.smaps when --smaps-dir is given (to see where resident memory lives).</summary>
    private static void DumpSmaps(string? directory, string name)
    {
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(Path.Combine(directory, name + ".smaps"), File.ReadAllText("/proc/self/smaps"));
        }
    }

    private static async Task<DhtNode> StartBootstrapperAsync()
    {
        var boot = DhtNode.CreateBootstrapper(UdpTools.FreeUdpPort(), "127.0.0.1", new DhtNodeOptions { Host = "127.0.0.1" });
        await boot.FullyBootstrappedAsync().ConfigureAwait(false);
        return boot;
    }

    private static async Task JoinAsync(List<DhtNode> nodes, int count, int wave, string[] bootstrap, TimeSpan budget, Action<DhtNode>? onCreated)
    {
        var clock = Stopwatch.StartNew();
        while (nodes.Count < count)
        {
            var batch = new List<DhtNode>();
            for (var i = 0; i < wave && nodes.Count + batch.Count < count; i++)
            {
                var node = new DhtNode(new DhtNodeOptions { Host = "127.0.0.1", Bootstrap = bootstrap, Ephemeral = false });
                onCreated?.Invoke(node);
                batch.Add(node);
            }

            nodes.AddRange(batch);
            var left = budget - clock.Elapsed;
            await Task.WhenAll(batch.Select(n => n.FullyBootstrappedAsync())).WaitAsync(left > TimeSpan.Zero ? left : TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        }
    }

    private static async Task DisposeAllAsync(IEnumerable<DhtNode> nodes)
    {
        await Task.WhenAll(nodes.Select(n => n.DisposeAsync().AsTask())).WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
    }

    /// <summary>A full collection; the GC keeps its free regions committed for the next allocations.</summary>
    private static void Collect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    /// <summary>
    /// A full, compacting collection that also returns the GC's free regions to the OS, so RSS shows
    /// live memory rather than the allocation budget kept for later (a fixed cost, not one per node).
    /// </summary>
    private static void CollectAndDecommit()
    {
        Collect();
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    private static double? Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? null : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    [GeneratedRegex(@"VmRSS:\s+(\d+) kB")]
    private static partial Regex RssPattern();
}
