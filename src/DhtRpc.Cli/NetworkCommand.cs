using System.CommandLine;

namespace DhtRpc.Cli;

/// <summary>`dht network`: N persistent nodes in one process, all bootstrapped from the given bootstrap nodes.</summary>
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
        var command = new Command("network", "Run many nodes in one process; prints 'ready' once all have joined.")
        {
            count,
            bootstrap,
            host,
        };
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
                var nodes = new List<DhtNode>(n);
                try
                {
                    await StartAsync(nodes, n, entries, h, stop).ConfigureAwait(false);
                    Console.WriteLine($"ready {n} nodes");
                    await CliRunner.WaitForShutdownAsync(stop).ConfigureAwait(false);
                    Console.WriteLine("shutting down");
                    return CliRunner.Ok;
                }
                finally
                {
                    foreach (var node in nodes)
                    {
                        await node.DisposeAsync().ConfigureAwait(false);
                    }
                }
            },
            cancellationToken));
        return command;
    }

    private static async Task StartAsync(List<DhtNode> nodes, int count, IReadOnlyList<string> bootstrap, string host, CancellationToken stop)
    {
        var options = new DhtNodeOptions { Bootstrap = bootstrap, Ephemeral = false, Host = host };

        // Join in small batches so the bootstrap node is not flooded by hundreds of nodes at once.
        const int batch = 16;
        for (var started = 0; started < count; started += batch)
        {
            stop.ThrowIfCancellationRequested();
            var wave = new List<Task>();
            for (var i = started; i < Math.Min(count, started + batch); i++)
            {
                var node = new DhtNode(options);
                nodes.Add(node);
                wave.Add(node.FullyBootstrappedAsync());
            }

            await Task.WhenAll(wave).WaitAsync(stop).ConfigureAwait(false);
            Console.WriteLine($"joined {nodes.Count}/{count}");
        }

        var open = nodes.Count(node => node.Id is not null);
        if (open == 0)
        {
            throw new DhtException($"None of the {count} nodes could join through {string.Join(", ", bootstrap)}: is a bootstrap node running there?");
        }
    }
}
