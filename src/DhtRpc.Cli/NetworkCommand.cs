using System.CommandLine;
using System.Globalization;
using DhtRpc.Storage;

namespace DhtRpc.Cli;

/// <summary>`dht network`: N persistent storage nodes in one process, all joined through the given bootstrap nodes.</summary>
internal static class NetworkCommand
{
    public static Command Create()
    {
        var count = new Option<int>("--nodes")
        {
            Description = "How many nodes to run.",
            DefaultValueFactory = _ => 63,
        };
        var bootstrap = CommonOptions.Bootstrap();
        var host = CommonOptions.Host();
        var data = new Option<string?>("--data")
        {
            Description = "Keep each node's items and known peers in SQLite under DIR/node-<i>; without it, memory only.",
        };
        var location = new Option<string?>("--location")
        {
            Description = "Location tags shown in the nodes' inventories: one tag for every node (eu-west), or a comma-separated list given to the nodes in turn (eu-west,us-east: node 0 eu-west, node 1 us-east, node 2 eu-west, ...).",
        };
        var verbose = new Option<bool>("--verbose") { Description = "Explain the first node's join step by step, then one line per node as it joins." };
        var storage = new StorageFlags();
        var limitLocal = CommonOptions.LimitLocal();
        var command = new Command("network", "Run many storage nodes in one process; prints 'ready' once all have joined.")
        {
            count,
            bootstrap,
            host,
            data,
            location,
            verbose,
            limitLocal,
        };
        storage.AddTo(command);
        command.SetAction((result, cancellationToken) => CliRunner.RunAsync(
            async stop =>
            {
                var n = result.GetValue(count);
                if (n is < 1 or > 10_000)
                {
                    throw new UsageException($"--nodes must be between 1 and 10000 (got {n}).");
                }

                var h = result.GetValue(host)!;
                CommonOptions.CheckHost(h);
                var entries = CommonOptions.ParseBootstrap(result.GetValue(bootstrap)!);
                var dir = result.GetValue(data);
                var tags = ParseLocations(result.GetValue(location));
                if ((await ClientNode.ProbeAsync(entries, h, stop).ConfigureAwait(false)).Count == 0 && dir is null)
                {
                    throw ClientNode.Unreachable(entries);
                }

                var nodes = new List<DhtNodeHost>(n);
                try
                {
                    var say = result.GetValue(verbose) ? new JoinNarrator(Console.Out) : null;
                    await StartAsync(nodes, n, entries, h, dir, stop, say, storage.Read(result, location: null), CommonOptions.Limits(result.GetValue(limitLocal)), tags).ConfigureAwait(false);
                    if (tags.Count > 0)
                    {
                        Console.WriteLine("locations: " + string.Join(", ", tags.Distinct().Select(t => $"{t} on {Enumerable.Range(0, n).Count(i => tags[i % tags.Count] == t)} node(s)")));
                    }

                    Console.WriteLine($"ready {n} nodes");
                    await CliRunner.WaitForShutdownAsync(stop).ConfigureAwait(false);
                    Console.WriteLine("shutting down");
                    return CliRunner.Ok;
                }
                finally
                {
                    await DisposeAllAsync(nodes).ConfigureAwait(false);
                }
            },
            cancellationToken));
        return command;
    }

    /// <summary>
    /// Starts <paramref name="count"/> storage nodes (in batches, so the bootstrap node is not flooded) and
    /// waits until every one has joined; progress goes to stderr. Node i is tagged
    /// <paramref name="locations"/>[i % count] when tags are given.
    /// </summary>
    public static async Task StartAsync(List<DhtNodeHost> nodes, int count, IReadOnlyList<string> bootstrap, string host, string? dataDirectory, CancellationToken stop, JoinNarrator? say = null, StorageOptions? storage = null, Limits.NodeLimits? limits = null, IReadOnlyList<string>? locations = null)
    {
        var baseStorage = storage ?? StorageOptions.Default;
        var options = new DhtNodeOptions { Bootstrap = bootstrap, Ephemeral = false, Host = host, Limits = limits ?? new Limits.NodeLimits() };
        await Ui.WithProgressAsync($"joining {count} nodes", async report =>
        {
            const int batch = 16;
            for (var started = 0; started < count; started += batch)
            {
                stop.ThrowIfCancellationRequested();
                var wave = new List<Task>();
                for (var i = started; i < Math.Min(count, started + batch); i++)
                {
                    var dir = dataDirectory is null ? null : Path.Combine(dataDirectory, "node-" + i.ToString(CultureInfo.InvariantCulture));
                    var index = i;
                    var node = DhtNodeHost.Start(options with { Host = HostOf(index, host, options.Limits) }, dir, locations is { Count: > 0 } ? baseStorage with { Location = locations[index % locations.Count] } : baseStorage, index == 0 && say is not null ? say.Watch : null);
                    nodes.Add(node);
                    if (say is not null)
                    {
                        node.Node.Ready += () => say.Joined(index, node.Node);
                    }

                    wave.Add(CountWhenJoinedAsync(node.Node, () => report(Joined(nodes), count)));
                }

                await Task.WhenAll(wave).WaitAsync(stop).ConfigureAwait(false);
            }

            return 0;
        }).ConfigureAwait(false);

        foreach (var node in nodes)
        {
            if ((await node.Node.GetRoutingTableAsync().ConfigureAwait(false)).Count == 0)
            {
                throw new CliException($"A node could not join through {string.Join(", ", bootstrap)}: is a bootstrap node running there?", CliFailure.Unreachable);
            }

            await node.SavePeersAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Where node <paramref name="index"/> binds. Held to the limits on loopback (--limit-local), each
    /// node gets a /24 of its own (127.1.0.1, 127.1.1.1, ...), as nodes on the internet have their own
    /// addresses: on one shared address they would share one request budget, one reply budget and
    /// three places in every routing table, and the network could not form.
    /// </summary>
    private static string HostOf(int index, string host, Limits.NodeLimits? limits) =>
        host == "127.0.0.1" && limits is { ApplyToLocalAddresses: true }
            ? string.Create(CultureInfo.InvariantCulture, $"127.{1 + (index / 256)}.{index % 256}.1")
            : host;

    /// <summary>The tags of --location, in order; empty without it.</summary>
    /// <exception cref="UsageException">An empty tag in the list.</exception>
    internal static IReadOnlyList<string> ParseLocations(string? text)
    {
        if (text is null)
        {
            return [];
        }

        var tags = text.Split(',', StringSplitOptions.TrimEntries);
        return tags.Any(t => t.Length == 0)
            ? throw new UsageException($"--location '{text}' has an empty tag: give one tag (eu-west) or a comma-separated list (eu-west,us-east).")
            : tags;
    }

    public static async Task DisposeAllAsync(IEnumerable<DhtNodeHost> nodes)
    {
        await Task.WhenAll(nodes.Select(n => n.DisposeAsync().AsTask())).ConfigureAwait(false);
    }

    private static int Joined(List<DhtNodeHost> nodes) => nodes.Count(n => n.Node.Bootstrapped);

    private static async Task CountWhenJoinedAsync(DhtNode node, Action report)
    {
        await node.FullyBootstrappedAsync().ConfigureAwait(false);
        report();
    }
}
