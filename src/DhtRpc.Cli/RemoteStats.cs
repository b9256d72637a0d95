using System.Text.Json;
using Spectre.Console;

namespace DhtRpc.Cli;

/// <summary>`dht stats --http URL`: a running node's request, socket, limit and storage counters, read from its HTTP API.</summary>
internal static class RemoteStats
{
    public static async Task<int> PrintAsync(string address, bool json, CancellationToken stop)
    {
        var body = await NodeHttpApi.GetAsync(address, "/stats", stop).ConfigureAwait(false);
        if (json)
        {
            Console.WriteLine(body);
            return CliRunner.Ok;
        }

        var status = await NodeHttpApi.GetAsync(address, "/status", stop).ConfigureAwait(false);
        using var statusDocument = JsonDocument.Parse(status);
        using var statsDocument = JsonDocument.Parse(body);
        var node = statusDocument.RootElement;
        var stats = statsDocument.RootElement;

        var table = Ui.NewTable("Node", Text(node, "address"));
        table.AddTextRow("Id", Text(node, "id"));
        table.AddTextRow("Role", Text(node, "role"));
        table.AddTextRow("Online", Text(node, "online"));
        table.AddTextRow("Routing table", Text(node, "routingTableSize"));
        table.AddTextRow("Uptime (s)", Text(node, "uptimeSeconds"));
        AddGroup(table, "requests", stats.GetProperty("requests"));
        AddGroup(table, "queries", stats.GetProperty("queries"));
        foreach (var command in stats.GetProperty("commands").EnumerateObject())
        {
            AddGroup(table, command.Name, command.Value);
        }

        AddGroup(table, "socket", stats.GetProperty("socket"));
        if (stats.TryGetProperty("storage", out var storage))
        {
            AddGroup(table, "storage", storage);
        }

        Ui.Out.Write(table);
        StatsCommand.WriteCounters(stats.GetProperty("counters").EnumerateObject().ToDictionary(c => c.Name, c => c.Value.GetInt64(), StringComparer.Ordinal));
        return CliRunner.Ok;
    }

    /// <summary>One row per number of a group, named "group field" (for example "requests timeouts").</summary>
    private static void AddGroup(Table table, string group, JsonElement values)
    {
        foreach (var value in values.EnumerateObject())
        {
            table.AddTextRow($"{group} {value.Name}", Show(value.Value));
        }
    }

    private static string Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) ? Show(value) : "-";

    private static string Show(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => "-",
        JsonValueKind.String => value.GetString() ?? "-",
        _ => value.GetRawText(),
    };
}
