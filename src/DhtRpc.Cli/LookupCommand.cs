using System.CommandLine;
using System.Globalization;
using System.Text;
using DhtRpc.Wire;

namespace DhtRpc.Cli;

/// <summary>`dht lookup TARGET`: walks the network toward TARGET and prints the closest nodes.</summary>
internal static class LookupCommand
{
    public static Command Create()
    {
        var target = new Argument<string>("TARGET") { Description = "A 64-character hex id, or any text (its SHA-256 is looked up)." };
        var client = new ClientOptions();
        var command = new Command("lookup", "Find the nodes closest to a target id (or to sha256 of a text).")
        {
            target,
        };
        client.AddTo(command);
        command.SetAction((result, cancellationToken) => CliRunner.RunAsync(
            async stop =>
            {
                var text = result.GetValue(target)!;
                var id = NodeId.TryParse(text, out var parsed) ? parsed : NodeId.Read(NSec.Cryptography.HashAlgorithm.Sha256.Hash(Encoding.UTF8.GetBytes(text))); // libsodium: no OpenSSL to load
                await using var node = await client.ConnectAsync(result, stop).ConfigureAwait(false);
                var query = node.FindNode(id);
                await query.ToListAsync(stop).ConfigureAwait(false);
                var closest = query.ClosestReplies.Select(r => r.From).Where(p => p.Id is not null).ToList();
                if (result.GetValue(client.Json))
                {
                    JsonLine.Print(json =>
                    {
                        json.WriteStartObject();
                        json.WriteString("target", id.ToString());
                        json.WriteStartArray("nodes");
                        foreach (var p in closest)
                        {
                            json.WriteStartObject();
                            json.WriteString("node", p.Endpoint.ToString());
                            json.WriteString("id", p.Id!.Value.ToString());
                            json.WriteNumber("sharedBits", id.CommonPrefixLength(p.Id!.Value));
                            json.WriteEndObject();
                        }

                        json.WriteEndArray();
                        json.WriteEndObject();
                    });
                    return CliRunner.Ok;
                }

                Console.WriteLine($"target {id}{(NodeId.TryParse(text, out _) ? "" : $" (sha256 of '{text}')")}");
                Console.WriteLine($"{query.Successes} nodes answered; the {closest.Count} closest:");
                var table = Ui.NewTable("#", "Node", "Id", "Shared bits", "Distance (xor)");
                var rank = 0;
                foreach (var peer in closest)
                {
                    var peerId = peer.Id!.Value;
                    table.AddTextRow(
                        (++rank).ToString(CultureInfo.InvariantCulture),
                        peer.Endpoint.ToString(),
                        peerId.ToString(),
                        id.CommonPrefixLength(peerId).ToString(CultureInfo.InvariantCulture),
                        Distance(id, peerId)[..16] + "…");
                }

                Ui.Out.Write(table);
                return CliRunner.Ok;
            },
            cancellationToken));
        return command;
    }

    /// <summary>The XOR of two ids, as hex.</summary>
    public static string Distance(NodeId a, NodeId b)
    {
        var x = a.ToArray();
        var y = b.ToArray();
        for (var i = 0; i < x.Length; i++)
        {
            x[i] ^= y[i];
        }

        return Convert.ToHexStringLower(x);
    }
}
