using System.Globalization;
using System.Text.Json;

namespace DhtRpc.Cli;

/// <summary>`dht routing --http URL`: a running node's routing table, read from its HTTP API.</summary>
internal static class RemoteRouting
{
    public static async Task<int> PrintAsync(string address, bool json, CancellationToken stop)
    {
        var url = NodeHttpApi.BaseUrl(address);
        var body = await NodeHttpApi.GetAsync(address, "/routing", stop).ConfigureAwait(false);
        if (json)
        {
            Console.WriteLine(body);
            return CliRunner.Ok;
        }

        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        var rows = root.GetProperty("rows").EnumerateArray().ToList();
        Console.WriteLine($"id {root.GetProperty("id").GetString()} (the node at {url})");
        Console.WriteLine($"{root.GetProperty("size").GetInt32()} nodes in {rows.Count} rows; row n holds nodes whose id shares exactly n leading bits with the node's:");
        var view = Ui.NewTable("Row", "Node", "Id", "Age (s)");
        foreach (var row in rows)
        {
            var first = true;
            foreach (var node in row.GetProperty("nodes").EnumerateArray())
            {
                view.AddTextRow(
                    first ? row.GetProperty("row").GetInt32().ToString(CultureInfo.InvariantCulture) : "",
                    node.GetProperty("address").GetString()!,
                    node.GetProperty("id").GetString()!,
                    node.GetProperty("ageSeconds").GetInt64().ToString(CultureInfo.InvariantCulture));
                first = false;
            }
        }

        Ui.Out.Write(view);
        return CliRunner.Ok;
    }
}
