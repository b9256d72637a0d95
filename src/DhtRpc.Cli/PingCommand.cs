using System.CommandLine;
using System.Diagnostics;

namespace DhtRpc.Cli;

/// <summary>`dht ping HOST:PORT`: one PING; prints the round-trip time and the node's id.</summary>
internal static class PingCommand
{
    public static Command Create()
    {
        var target = new Argument<string>("HOST:PORT") { Description = "The node to ping." };
        var host = CommonOptions.ClientHost();
        var json = CommonOptions.Json();
        var timeout = ClientWatch.TimeoutOption();
        var command = new Command("ping", "Ping a node: round-trip time and its id.")
        {
            target,
            host,
            json,
            timeout,
        };
        command.SetAction((result, cancellationToken) => CliRunner.RunAsync(
            async stop =>
            {
                ClientWatch.Apply(result, timeout);
                var to = CommonOptions.ParseEndpoint(result.GetValue(target)!);
                var bindHost = CommonOptions.ResolveClientHost(result.GetValue(host), [to.ToString()]);
                await using var node = new DhtNode(new DhtNodeOptions { Host = bindHost, Ephemeral = true });
                await node.FullyBootstrappedAsync().WaitAsync(stop).ConfigureAwait(false);
                Rpc.DhtResponse reply;
                var started = Stopwatch.GetTimestamp();
                try
                {
                    reply = await node.PingAsync(to, options: new Rpc.RequestOptions { Timeout = ClientNode.ProbeTimeout }, cancellationToken: stop).ConfigureAwait(false);
                }
                catch (DhtException)
                {
                    throw new CliException($"{to} did not answer the ping.", CliFailure.Unreachable);
                }

                var rtt = Stopwatch.GetElapsedTime(started);
                var id = reply.From.Id?.ToString();
                if (result.GetValue(json))
                {
                    JsonLine.Print(w =>
                    {
                        w.WriteStartObject();
                        w.WriteString("node", to.ToString());
                        w.WriteNumber("rttMs", Math.Round(rtt.TotalMilliseconds, 3));
                        w.WriteString("id", id);
                        w.WriteString("seenAs", reply.To.ToString());
                        w.WriteEndObject();
                    });
                }
                else
                {
                    Console.WriteLine($"pong from {to} in {rtt.TotalMilliseconds:0.0} ms, id {id ?? "none (an ephemeral node)"}; it sees us as {reply.To}");
                }

                return CliRunner.Ok;
            },
            cancellationToken));
        return command;
    }
}
