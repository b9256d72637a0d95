using System.CommandLine;
using DhtRpc.Storage.Protocol;
using System.Net;
using System.Net.Sockets;

namespace DhtRpc.Cli;

/// <summary>`dht bootstrap`: a bootstrap node that runs until Ctrl-C or SIGTERM.</summary>
internal static class BootstrapCommand
{
    public static Command Create()
    {
        var host = CommonOptions.Host();
        var port = CommonOptions.Port(10001);
        var limitLocal = CommonOptions.LimitLocal();
        var command = new Command("bootstrap", "Run a bootstrap node (persistent at once, on exactly this host and port).")
        {
            host,
            port,
            limitLocal,
        };
        command.SetAction((result, cancellationToken) => CliRunner.RunAsync(
            async stop =>
            {
                var h = result.GetValue(host)!;
                var p = result.GetValue(port);
                CommonOptions.CheckHost(h);
                CommonOptions.CheckPort(p);

                // A bootstrapper's id is the hash of its address, so it needs its port before it starts: 0 asks the system for a free one.
                if (p == 0)
                {
                    p = CommonOptions.FreeUdpPort(h);
                }

                await using var node = DhtNode.CreateBootstrapper(p, h, new DhtNodeOptions { Host = h, Limits = CommonOptions.Limits(result.GetValue(limitLocal)) });
                NodeInfoResponder.Install(node);
                await node.FullyBootstrappedAsync().ConfigureAwait(false);
                Console.WriteLine($"bootstrap listening on {h}:{node.ServerEndpoint?.Port} id {node.Id}");
                Console.WriteLine("ready");
                await CliRunner.WaitForShutdownAsync(stop).ConfigureAwait(false);
                Console.WriteLine("shutting down");
                return CliRunner.Ok;
            },
            cancellationToken));
        return command;
    }
}
