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
        var http = CommonOptions.Http();
        var limitLocal = CommonOptions.LimitLocal();
        var command = new Command("node", "Run one persistent storage node; prints 'ready <host:port> id <hex>' once it has joined. Ctrl-C, SIGINT and SIGTERM stop it gracefully (peers saved, store closed, exit 0).")
        {
            host,
            port,
            bootstrap,
            data,
            location,
            verbose,
            limitLocal,
            http,
        };
        storage.AddTo(command);
        command.SetAction((result, cancellationToken) => CliRunner.RunAsync(
            stop => RunAsync(
                result.GetValue(host)!,
                result.GetValue(port),
                result.GetValue(http),
                CommonOptions.ParseBootstrap(result.GetValue(bootstrap)!),
                result.GetValue(data),
                storage.Read(result, result.GetValue(location)),
                result.GetValue(verbose),
                CommonOptions.Limits(result.GetValue(limitLocal)),
                stop),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string hostAddress, int port, string? http, IReadOnlyList<string> bootstrap, string? data, StorageOptions storageOptions, bool verbose, Limits.NodeLimits limits, CancellationToken stop)
    {
        CommonOptions.CheckHost(hostAddress);
        CommonOptions.CheckPort(port);
        using var loggerFactory = LoggerFactory.Create(builder => OneLineLogger.AddTo(builder
            .SetMinimumLevel(verbose ? LogLevel.Information : LogLevel.Warning)));
        var say = verbose ? new JoinNarrator(Console.Out) : null;

        say?.Line($"Starting a storage node on {hostAddress}{(port == 0 ? " (any free port)" : $", port {port}")}.");
        say?.Line($"To join, a new node first asks a bootstrap node, the well-known 'first contact' of the network: {string.Join(", ", bootstrap)}.");
        var answered = await ClientNode.ProbeAsync(bootstrap, hostAddress, stop).ConfigureAwait(false);
        foreach (var entry in bootstrap)
        {
            var answer = answered.FirstOrDefault(a => a.Entry == entry);
            say?.Line(answer is null
                ? $"  {entry} did not answer a ping."
                : $"  {entry} answered a ping in {answer.Rtt.TotalMilliseconds:0} ms; its id is {Ui.Short(answer.Id?.ToString() ?? "unknown", 16)}.");
        }

        var host = ServiceHost.Create(
            o =>
            {
                o.Host = hostAddress;
                o.Port = port;
                o.Bootstrap = [.. bootstrap];
                o.DataDirectory = data;
                o.LimitLocal = limits.ApplyToLocalAddresses;
            },
            storageOptions,
            http,
            verbose ? LogLevel.Information : LogLevel.Warning);
        await using (host.ConfigureAwait(false))
        {
            if (say is not null)
            {
                host.Service.Creating += say.Watch;
            }

            await host.StartAsync(stop).ConfigureAwait(false);
            var running = host.Service.Host!;
            var node = running.Node;
            if (data is not null)
            {
                say?.Line(running.RememberedPeers.Count == 0
                    ? $"Data directory {data}: no peers remembered from an earlier run."
                    : $"Data directory {data}: we remember {running.RememberedPeers.Count} peers from the last run; they go straight into the routing table, so we can rejoin even without a bootstrap node.");
            }

            if (answered.Count == 0 && running.RememberedPeers.Count == 0)
            {
                throw ClientNode.Unreachable(bootstrap);
            }

            say?.Line("Asking the network for the nodes closest to our own id (a lookup for ourselves): every answer tells us about more nodes.");
            await node.FullyBootstrappedAsync().WaitAsync(stop).ConfigureAwait(false);
            var table = await node.GetRoutingTableAsync().ConfigureAwait(false);
            if (table.Count == 0)
            {
                throw new CliException(running.RememberedPeers.Count == 0
                    ? $"Could not join: no node answered through {string.Join(", ", bootstrap)}."
                    : $"Could not join: neither {string.Join(", ", bootstrap)} nor any of the {running.RememberedPeers.Count} remembered peers answered.");
            }

            say?.Ready(node, table);
            var saved = await running.SavePeersAsync().ConfigureAwait(false);
            if (saved > 0)
            {
                say?.Line($"Saved {saved} known peers in {data} (again every {running.PeerSaveInterval.TotalSeconds:0} s and on shutdown).");
            }

            if (host.HttpUrl is { } url)
            {
                Console.WriteLine($"http {url} (status, routing, stats, metrics, health, dashboard)");
            }

            Console.WriteLine($"ready {Address(node, hostAddress)} id {node.Id?.ToString() ?? node.TableId.ToString()}");
            await CliRunner.WaitForShutdownAsync(stop).ConfigureAwait(false);
            Console.WriteLine("shutting down");
            await host.StopAsync().ConfigureAwait(false);
        }

        return CliRunner.Ok;
    }

    internal static string Address(DhtNode node, string host)
    {
        var port = node.ServerEndpoint?.Port ?? 0;
        return host == "0.0.0.0" && node.PublicEndpoint is { } seen ? $"{seen.Host}:{port}" : $"{host}:{port}";
    }
}
