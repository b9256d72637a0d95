using System.Text.Json;
using DhtRpc.Wire;

namespace DhtRpc.Hostile;

/// <summary>
/// A node's own counters through `dht stats --node H:P --json`: the whole JSON, and those of its numbers
/// whose names speak of drops, refusals or limits. Today the verb answers for storage nodes only (it asks
/// the warehouse INFO command); a failure is reported, not fatal.
/// </summary>
internal static class NodeStats
{
    private static readonly string[] Telling = ["drop", "refus", "limit", "reject", "throttl", "denied"];

    public static async Task<string> DescribeAsync(DhtCli cli, Ipv4Endpoint node, Ipv4Endpoint bootstrap)
    {
        var (exit, stdout, stderr) = await cli.RunAsync(["stats", "--node", node.ToString(), "--bootstrap", bootstrap.ToString(), "--json"], TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        var line = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault(l => l.StartsWith('{'));
        if (exit != 0 || line is null)
        {
            return $"`dht stats --node {node} --json` failed (exit {exit}): {(stderr + stdout).Trim().Replace('\n', ' ')}";
        }

        try
        {
            using var document = JsonDocument.Parse(line);
            var counters = new List<string>();
            Collect(document.RootElement, "", counters);
            return counters.Count == 0
                ? $"`dht stats` answered but names no drop or refusal counter: `{line}`"
                : $"drop and refusal counters: {string.Join(", ", counters)} (all: `{line}`)";
        }
        catch (JsonException e)
        {
            return $"`dht stats` printed no JSON ({e.Message}): `{line}`";
        }
    }

    private static void Collect(JsonElement element, string path, List<string> counters)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Collect(property.Value, path.Length == 0 ? property.Name : $"{path}.{property.Name}", counters);
                }

                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Collect(item, $"{path}[{i++}]", counters);
                }

                break;
            case JsonValueKind.Number when Telling.Any(word => path.Contains(word, StringComparison.OrdinalIgnoreCase)):
                counters.Add($"{path} = {element.GetRawText()}");
                break;
            default:
                break;
        }
    }
}
