using System.CommandLine;
using System.Globalization;

namespace DhtRpc.Cli;

/// <summary>`dht routing`: joins with a fresh node and prints the routing table it built, bucket by bucket.</summary>
internal static class RoutingCommand
{
    public static Command Create()
    {
        var client = new ClientOptions();
        var command = new Command("routing", "Join with a fresh node and show its routing table bucket by bucket (bucket = leading bits shared with our id).");
        client.AddTo(command);
        command.SetAction((result, cancellationToken) => CliRunner.RunAsync(
            async stop =>
            {
                await using var node = await client.ConnectAsync(result, stop).ConfigureAwait(false);
                var table = await node.GetRoutingTableAsync().ConfigureAwait(false);
                var me = node.TableId;
                var buckets = table.GroupBy(n => me.CommonPrefixLength(n.Id)).OrderBy(g => g.Key).ToList();
                if (result.GetValue(client.Json))
                {
                    Console.WriteLine(System.Text.Json.JsonSerializer.Serialize(new
                    {
                        id = me.ToString(),
                        buckets = buckets.Select(b => new { bucket = b.Key, nodes = b.Select(n => new { node = n.Endpoint.ToString(), id = n.Id.ToString() }) }),
                    }));
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
