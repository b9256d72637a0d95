using System.CommandLine;
using System.Text.Json;
using Spectre.Console;
using DhtRpc.Wire;
using DhtRpc.Storage;
using DhtRpc.Storage.Client;

namespace DhtRpc.Cli;

/// <summary>
/// `dht stats`: a node's analytics (INFO) and its drop, refusal and limit counters, from --node (any
/// node this tool runs, a bootstrap too) or the fastest warehouse a lookup finds.
/// </summary>
internal static class StatsCommand
{
    public static Command Create()
    {
        var client = new ClientOptions();
        var node = CommonOptions.Node();
        var http = new Option<string?>("--http") { Description = "Show a running node's request, socket, limit and storage counters instead, read from its HTTP API (URL or HOST:PORT of `dht node --http`)." };
        var command = new Command("stats", "Show a node's counters: storage analytics and what it dropped, refused or limited (--node, any node kind; else the fastest warehouse found).")
        {
            node,
            http,
        };
        client.AddTo(command);
        command.SetAction((result, cancellationToken) => CliRunner.RunAsync(
            async stop =>
            {
                if (result.GetValue(http) is { } remote)
                {
                    return await RemoteStats.PrintAsync(remote, result.GetValue(client.Json), stop).ConfigureAwait(false);
                }

                Ipv4Endpoint? named = result.GetValue(node) is { } text ? CommonOptions.ParseEndpoint(text) : null;
                await using var dht = await client.ConnectAsync(result, stop, named).ConfigureAwait(false);
                var warehouses = new WarehouseClient(dht);
                var at = named ?? await WarehouseCommand.FastestAsync(warehouses, stop).ConfigureAwait(false);
                NodeInfo? info;
                try
                {
                    info = await warehouses.InfoAsync(at, stop).ConfigureAwait(false);
                }
                catch (DhtException)
                {
                    throw new CliException($"{at} did not answer.", CliFailure.Unreachable);
                }

                if (info is null)
                {
                    throw new CliException($"{at} sent no statistics.", CliFailure.InvalidData);
                }

                if (result.GetValue(client.Json))
                {
                    JsonLine.Print(json =>
                    {
                        json.WriteStartObject();
                        json.WriteString("node", at.ToString());
                        json.WritePropertyName("info");
                        JsonSerializer.Serialize(json, info, CliJson.Default.NodeInfo);
                        json.WriteEndObject();
                    });
                    return CliRunner.Ok;
                }

                var table = Ui.NewTable("Node", at.ToString());
                table.AddTextRow("Id", info.NodeId ?? "-");
                table.AddTextRow("Location", info.Location ?? "-");
                table.AddTextRow("Warehouse items", Text(info.Items));
                table.AddTextRow("Content items", Text(info.ContentItems));
                table.AddTextRow("Bytes held", Text(info.Bytes));
                table.AddTextRow("Stored (total)", Text(info.TotalStored));
                table.AddTextRow("Served (total)", Text(info.TotalServed));
                table.AddTextRow("Deleted (total)", Text(info.TotalDeleted));
                table.AddTextRow("Uptime", TimeSpan.FromSeconds(info.UptimeSeconds).ToString("c", System.Globalization.CultureInfo.InvariantCulture));
                Ui.Out.Write(table);
                WriteCounters(info.Counters);
                return CliRunner.Ok;
            },
            cancellationToken));
        return command;
    }

    /// <summary>The node's drop, refusal and limit counters: those above zero, then how many are zero.</summary>
    internal static void WriteCounters(IReadOnlyDictionary<string, long>? counters)
    {
        if (counters is null)
        {
            Ui.Out.WriteLine("The node reports no drop or limit counters.");
            return;
        }

        var nonZero = counters.Where(c => c.Value != 0).ToList();
        if (nonZero.Count > 0)
        {
            var table = Ui.NewTable("Counter", "Value");
            foreach (var (name, value) in nonZero)
            {
                table.AddTextRow(name, Text(value));
            }

            Ui.Out.Write(table);
        }

        Ui.Out.WriteLine($"{counters.Count - nonZero.Count} of {counters.Count} drop, refusal and limit counters are 0.");
    }

    private static string Text(long value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
