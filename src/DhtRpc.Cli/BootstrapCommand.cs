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
        var command = new Command("bootstrap", "Run a bootstrap node (persistent at once, on exactly this host and port).")
        {
            host,
            port,
            limitLocal,
            http,
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
                await using (service.ConfigureAwait(false))
                {
                    await service.StartAsync(stop).ConfigureAwait(false);
                    var node = service.Service.Node;
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
