using System.Text.Json;
using DhtRpc.Storage.Client;
using DhtRpc.Storage.Protocol;
using DhtRpc.Wire;

namespace DhtRpc.Cli;

/// <summary>The --json documents of `dht warehouse stats` and `dht warehouse list`.</summary>
internal static class WarehouseJsonOutput
{
    /// <summary>{"key", "target", "accessCount" (all holders), "holders": [{"node", "location", "size", "accessCount", "lastAccess", "stored"}]}.</summary>
    public static void Stats(string key, NodeId target, IReadOnlyList<(Ipv4Endpoint Node, InventoryItem Item)> holders) => JsonLine.Print(w =>
    {
        w.WriteStartObject();
        w.WriteString("key", key);
        w.WriteString("target", target.ToString());
        w.WriteNumber("accessCount", holders.Sum(h => h.Item.AccessCount));
        w.WriteStartArray("holders");
        foreach (var (node, item) in holders)
        {
            w.WriteStartObject();
            w.WriteString("node", node.ToString());
            w.WriteString("location", item.Location);
            w.WriteNumber("size", item.Size);
            w.WriteNumber("accessCount", item.AccessCount);
            w.WriteString("lastAccess", item.LastAccess);
            w.WriteString("stored", item.Stored);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });

    /// <summary>[{"node", "items": [inventory items as the LIST reply carries them, plus "name" from the name book or null]}].</summary>
    public static void Inventories(IReadOnlyList<WarehouseInventory> inventories, IReadOnlyDictionary<string, string> names) => JsonLine.Print(w =>
    {
        w.WriteStartArray();
        foreach (var (node, items) in inventories)
        {
            w.WriteStartObject();
            w.WriteString("node", node.ToString());
            w.WriteStartArray("items");
            foreach (var item in items)
            {
                // The item's fields, then the name this user stored it under, when the name book has it.
                var fields = JsonSerializer.SerializeToElement(item, CliJson.Default.InventoryItem);
                w.WriteStartObject();
                foreach (var field in fields.EnumerateObject())
                {
                    field.WriteTo(w);
                }

                w.WriteString("name", item.FullKey is { } full && names.TryGetValue(full, out var name) ? name : null);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        w.WriteEndArray();
    });
}
