using System.CommandLine;
using DhtRpc.Storage;
using Microsoft.Extensions.Logging;

namespace DhtRpc.Cli;

/// <summary>`dht node`: one persistent storage node that runs until Ctrl-C or SIGTERM.</summary>
internal static class NodeCommand
{
    public static Command Create()
    {
        var host = CommonOptions.Host();
        var port = CommonOptions.Port(0);
        var bootstrap = CommonOptions.Bootstrap();
        var data = CommonOptions.Data();
        var location = new Option<string?>("--location") { Description = "A free-form tag shown in inventories (for example eu-west)." };
        var verbose = new Option<bool>("--verbose") { Description = "Explain each step of joining the network as it happens." };
        var storage = new StorageFlags();
        var limitLocal = CommonOptions.LimitLocal();
        var command = new Command("node", "Run one persistent storage node; prints 'ready <host:port> id <hex>' once it has joined.")
        {
            host,
            port,
            bootstrap,
            data,
            location,
            verbose,
            limitLocal,
        };
        storage.AddTo(command);
        command.SetAction((result, cancellationToken) => CliRunner.RunAsync(
            stop => RunAsync(
                result.GetValue(host)!,
                result.GetValue(port),
                CommonOptions.ParseBootstrap(result.GetValue(bootstrap)!),
                result.GetValue(data),
                storage.Read(result, result.GetValue(location)),
                result.GetValue(verbose),
                CommonOptions.Limits(result.GetValue(limitLocal)),
                stop),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string host, int port, IReadOnlyList<string> bootstrap, string? data, StorageOptions storageOptions, bool verbose, Limits.NodeLimits limits, CancellationToken stop)
    {
        CommonOptions.CheckHost(host);
        CommonOptions.CheckPort(port);
        using var loggerFactory = LoggerFactory.Create(builder => OneLineLogger.AddTo(builder
            .SetMinimumLevel(verbose ? LogLevel.Information : LogLevel.Warning)));
        var say = verbose ? new JoinNarrator(Console.Out) : null;

        say?.Line($"Starting a storage node on {host}{(port == 0 ? " (any free port)" : $", port {port}")}.");
        say?.Line($"To join, a new node first asks a bootstrap node, the well-known 'first contact' of the network: {string.Join(", ", bootstrap)}.");
        var answered = await ClientNode.ProbeAsync(bootstrap, host, stop).ConfigureAwait(false);
        foreach (var entry in bootstrap)
        {
            var answer = answered.FirstOrDefault(a => a.Entry == entry);
            say?.Line(answer is null
                ? $"  {entry} did not answer a ping."
                : $"  {entry} answered a ping in {answer.Rtt.TotalMilliseconds:0} ms; its id is {Ui.Short(answer.Id?.ToString() ?? "unknown", 16)}.");
        }

        var options = new DhtNodeOptions
        {
            Host = host,
            Port = port,
            AnyPort = port == 0,
            Bootstrap = bootstrap,
            LoggerFactory = loggerFactory,
            Limits = limits,
        };
        var storage = StorageHost.Start(options, data, storageOptions, node => say?.Watch(node));
        await using (storage.ConfigureAwait(false))
        {
            var node = storage.Node;
            if (data is not null)
            {
                say?.Line(storage.RememberedPeers.Count == 0
                    ? $"Data directory {data}: no peers remembered from an earlier run."
                    : $"Data directory {data}: we remember {storage.RememberedPeers.Count} peers from the last run; they go straight into the routing table, so we can rejoin even without a bootstrap node.");
            }

            if (answered.Count == 0 && storage.RememberedPeers.Count == 0)
            {
                throw ClientNode.Unreachable(bootstrap);
            }

            say?.Line("Asking the network for the nodes closest to our own id (a lookup for ourselves): every answer tells us about more nodes.");
            await node.FullyBootstrappedAsync().WaitAsync(stop).ConfigureAwait(false);
            var table = await node.GetRoutingTableAsync().ConfigureAwait(false);
            if (table.Count == 0)
            {
                throw new CliException(storage.RememberedPeers.Count == 0
                    ? $"Could not join: no node answered through {string.Join(", ", bootstrap)}."
                    : $"Could not join: neither {string.Join(", ", bootstrap)} nor any of the {storage.RememberedPeers.Count} remembered peers answered.");
            }

            say?.Ready(node, table);
            var saved = await storage.SavePeersAsync().ConfigureAwait(false);
            if (saved > 0)
            {
                say?.Line($"Saved {saved} known peers in {data} (again every {StorageHost.PeerSaveInterval.TotalSeconds:0} s and on shutdown).");
            }

            Console.WriteLine($"ready {Address(node, host)} id {node.Id?.ToString() ?? node.TableId.ToString()}");
            await CliRunner.WaitForShutdownAsync(stop).ConfigureAwait(false);
            Console.WriteLine("shutting down");
        }

        return CliRunner.Ok;
    }

    internal static string Address(DhtNode node, string host)
    {
        var port = node.ServerEndpoint?.Port ?? 0;
        return host == "0.0.0.0" && node.PublicEndpoint is { } seen ? $"{seen.Host}:{port}" : $"{host}:{port}";
    }
}
