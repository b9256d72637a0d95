using System.CommandLine;
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
        var command = new Command("node", "Run one persistent storage node; prints 'ready <host:port> id <hex>' once it has joined.")
        {
            host,
            port,
            bootstrap,
            data,
            location,
            verbose,
        };
        command.SetAction((result, cancellationToken) => CliRunner.RunAsync(
            stop => RunAsync(
                result.GetValue(host)!,
                result.GetValue(port),
                CommonOptions.ParseBootstrap(result.GetValue(bootstrap)!),
                result.GetValue(data),
                result.GetValue(location),
                result.GetValue(verbose),
                stop),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string host, int port, IReadOnlyList<string> bootstrap, string? data, string? location, bool verbose, CancellationToken stop)
    {
        CommonOptions.CheckHost(host);
        CommonOptions.CheckPort(port);
        using var loggerFactory = LoggerFactory.Create(builder => builder
            .SetMinimumLevel(verbose ? LogLevel.Information : LogLevel.Warning)
            .AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.TimestampFormat = "HH:mm:ss ";
            })
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace));
        var say = verbose ? new Narrator(Console.Out) : null;

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
        };
        var storage = StorageHost.Start(options, data, location, node => say?.Watch(node));
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

    /// <summary>Tells, in plain words, what the node is doing while it joins.</summary>
    private sealed class Narrator(TextWriter output)
    {
        private readonly Lock _gate = new();
        private int _tableSize;
        private bool _bucketsExplained;
        private bool _ready;

        public void Line(string text)
        {
            lock (_gate)
            {
                output.WriteLine(text);
            }
        }

        public void Watch(DhtNode node)
        {
            node.Listening += () => Line($"Listening: requests reach us at {node.ServerEndpoint}; our own requests leave from {node.ClientEndpoint} until we know we are reachable.");
            node.NatUpdated += seen => Line(seen is { } s
                ? $"Other nodes see us at {s}: that is our address as the network knows it (behind a home router it would differ from our local one)."
                : "The nodes we asked disagree about our address; we will ask again.");
            node.NodeAdded += added => OnNodeAdded(node, added);
            node.NodeRemoved += removed => Line($"Routing table: dropped {removed.Endpoint} (it stopped answering).");
            node.Persistent += () => Line($"We are now persistent: our id is hash(our address) = {Ui.Short(node.TableId.ToString(), 16)}, and other nodes will keep us in their routing tables. The table was re-sorted into buckets around this new id.");
        }

        public void Ready(DhtNode node, IReadOnlyList<Routing.RoutingNode> table)
        {
            _ready = true;
            Line(node.Firewalled
                ? "Firewall test: nodes we asked to ping us back could not reach our server port, so we behave as a firewalled node (we ask, but nobody stores us)."
                : "Firewall test: other nodes pinged our server port and got through, so we are reachable and can serve requests.");
            Line($"Joined: {table.Count} nodes in the routing table, grouped by how many leading bits their id shares with ours:");
            foreach (var bucket in table.GroupBy(n => node.TableId.CommonPrefixLength(n.Id)).OrderBy(g => g.Key))
            {
                Line($"  bucket {bucket.Key,3}: {bucket.Count(),2} node(s)  {string.Join(" ", bucket.Select(n => n.Endpoint.ToString()))}");
            }
        }

        private void OnNodeAdded(DhtNode node, Routing.RoutingNode added)
        {
            var size = Interlocked.Increment(ref _tableSize);
            if (_ready)
            {
                return;
            }

            var bucket = node.TableId.CommonPrefixLength(added.Id);
            if (!_bucketsExplained)
            {
                _bucketsExplained = true;
                Line("Routing table: each node we learn about goes into a bucket numbered by how many leading bits its id shares with ours (bucket 0 = the far half of the network, higher = closer to us).");
            }

            Line($"Routing table: added {added.Endpoint} (id {Ui.Short(added.Id.ToString())}) to bucket {bucket}; {size} known so far.");
        }
    }
}
