using System.CommandLine;
using Microsoft.Extensions.Logging;

namespace DhtRpc.Cli;

/// <summary>`dht bootstrap`: a bootstrap node that runs until Ctrl-C or SIGTERM.</summary>
internal static class BootstrapCommand
{
    public static Command Create()
    {
        var host = CommonOptions.Host();
        var port = CommonOptions.Port(10001);
        var limitLocal = CommonOptions.LimitLocal();
        var http = CommonOptions.Http();
        var verbose = new Option<bool>("--verbose")
        {
            Description = "Tell who asks what and what the bootstrap node answers (the first request of each kind from each node; repeats summarised every 10 s), and each node that enters its routing table, with the table's size.",
        };
        var command = new Command("bootstrap", "Run a bootstrap node (persistent at once, on exactly this host and port).")
        {
            host,
            port,
            limitLocal,
            http,
            verbose,
        };
        command.SetAction((result, cancellationToken) => CliRunner.RunAsync(
            async stop =>
            {
                var h = result.GetValue(host)!;
                var p = result.GetValue(port);
                CommonOptions.CheckHost(h);
                CommonOptions.CheckPort(p);

                var service = ServiceHost.Create(
                    o =>
                    {
                        o.Host = h;
                        o.Port = p;
                        o.Bootstrapper = true;
                        o.LimitLocal = result.GetValue(limitLocal);
                    },
                    storage: null,
                    result.GetValue(http),
                    LogLevel.Warning);
                using var say = result.GetValue(verbose) ? new BootstrapNarrator(Console.Out) : null;
                await using (service.ConfigureAwait(false))
                {
                    if (say is not null)
                    {
                        say.Line($"A bootstrap node is the network's first contact: a joining node asks it for the nodes closest to its own id, and every node it hears from may enter its routing table. A joining node first asks from a temporary port, without an id; once it knows others can reach it, it asks from its server port with its id, and enters the table. Below, the first request of each kind from each node, and every change of the table; repeats are summarised every {BootstrapNarrator.SummaryPeriod.TotalSeconds:0} s.");
                    }

                    await service.StartAsync(stop).ConfigureAwait(false);
                    var node = service.Service.Node;
                    if (say is not null)
                    {
                        // Watched from the moment it runs (a bootstrap node is started without a hook before it binds): a request in that first instant goes untold.
                        say.Watch(node, (await node.GetRoutingTableAsync().ConfigureAwait(false)).Count);
                    }

                    await node.FullyBootstrappedAsync().ConfigureAwait(false);
                    Console.WriteLine($"bootstrap listening on {h}:{node.ServerEndpoint?.Port} id {node.Id}");
                    if (service.HttpUrl is { } url)
                    {
                        Console.WriteLine($"http {url} (status, routing, stats, metrics, health, dashboard)");
                    }

                    Console.WriteLine("ready");
                    await CliRunner.WaitForShutdownAsync(stop).ConfigureAwait(false);
                    Console.WriteLine("shutting down");
                    await service.StopAsync().ConfigureAwait(false);
                }

                return CliRunner.Ok;
            },
            cancellationToken));
        return command;
    }
}
