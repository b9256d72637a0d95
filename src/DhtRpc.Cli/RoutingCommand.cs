using System.CommandLine;
using System.Globalization;

namespace DhtRpc.Cli;

/// <summary>`dht routing`: joins with a fresh node and prints the routing table it built, bucket by bucket.</summary>
internal static class RoutingCommand
{
    public static Command Create()
    {
        var client = new ClientOptions();
        var http = new Option<string?>("--http") { Description = "Show a running node's table instead, read from its HTTP API (URL or HOST:PORT of `dht node --http`)." };
        var command = new Command("routing", "Join with a fresh node and show its routing table bucket by bucket (bucket = leading bits shared with our id).") { http };
        client.AddTo(command);
        command.SetAction((result, cancellationToken) => CliRunner.RunAsync(
            async stop =>
            {
                if (result.GetValue(http) is { } remote)
                {
                    return await RemoteRouting.PrintAsync(remote, result.GetValue(client.Json), stop).ConfigureAwait(false);
                }

                await using var node = await client.ConnectAsync(result, stop).ConfigureAwait(false);
                var table = await node.GetRoutingTableAsync().ConfigureAwait(false);
                var me = node.TableId;
                var buckets = table.GroupBy(n => me.CommonPrefixLength(n.Id)).OrderBy(g => g.Key).ToList();
                if (result.GetValue(client.Json))
                {
                    JsonLine.Print(json =>
                    {
                        json.WriteStartObject();
                        json.WriteString("id", me.ToString());
                        json.WriteStartArray("buckets");
                        foreach (var b in buckets)
                        {
                            json.WriteStartObject();
                            json.WriteNumber("bucket", b.Key);
                            json.WriteStartArray("nodes");
                            foreach (var n in b)
                            {
                                json.WriteStartObject();
                                json.WriteString("node", n.Endpoint.ToString());
                                json.WriteString("id", n.Id.ToString());
                                json.WriteEndObject();
                            }

                            json.WriteEndArray();
                            json.WriteEndObject();
                        }

                        json.WriteEndArray();
                        json.WriteEndObject();
                    });
                    return CliRunner.Ok;
                }

                Console.WriteLine($"our id {me} (a temporary one: this node only asks, it does not serve)");
                Console.WriteLine($"{table.Count} nodes in {buckets.Count} buckets; bucket n holds nodes whose id shares exactly n leading bits with ours:");
                var view = Ui.NewTable("Bucket", "Node", "Id");
                foreach (var bucket in buckets)
                {
                    var first = true;
                    foreach (var entry in bucket)
                    {
                        view.AddTextRow(first ? bucket.Key.ToString(CultureInfo.InvariantCulture) : "", entry.Endpoint.ToString(), entry.Id.ToString());
                        first = false;
                    }
                }

                Ui.Out.Write(view);
                return CliRunner.Ok;
            },
            cancellationToken));
        return command;
    }
}
