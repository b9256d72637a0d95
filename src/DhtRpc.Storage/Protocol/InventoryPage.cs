using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using DhtRpc.Storage.Stores;

namespace DhtRpc.Storage.Protocol;

/// <summary>One entry of a warehouse inventory (a LIST reply is a JSON array of these).</summary>
public sealed record InventoryItem
{
    /// <summary>First 16 hex characters of the key and "..." (the study's format).</summary>
    [JsonPropertyName("key")]
    public string Key { get; init; } = "";

    /// <summary>First 30 characters of the value as text and "...".</summary>
    [JsonPropertyName("preview")]
    public string Preview { get; init; } = "";

    /// <summary>Bytes of the value.</summary>
    [JsonPropertyName("size")]
    public int Size { get; init; }

    /// <summary>When it was stored, ISO 8601.</summary>
    [JsonPropertyName("stored")]
    public string Stored { get; init; } = "";

    /// <summary>How many times the item was read.</summary>
    [JsonPropertyName("accessCount")]
    public long AccessCount { get; init; }

    /// <summary>The whole key, 64 hex characters.</summary>
    [JsonPropertyName("fullKey")]
    public string? FullKey { get; init; }

    /// <summary>Who stored it, as host:port seen by the storing node.</summary>
    [JsonPropertyName("storedBy")]
    public string? StoredBy { get; init; }

    /// <summary>Last access, ISO 8601, or null.</summary>
    [JsonPropertyName("lastAccess")]
    public string? LastAccess { get; init; }

    /// <summary>The storing node's location tag, when it has one.</summary>
    [JsonPropertyName("location")]
    public string? Location { get; init; }

    /// <summary>True when the item is owned by a signing key (stored with a signed request).</summary>
    [JsonPropertyName("signed")]
    public bool IsSigned { get; init; }
}

/// <summary>An inventory entry in the study's own fields only.</summary>
internal sealed record StudyEntry(
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("preview")] string Preview,
    [property: JsonPropertyName("size")] int Size,
    [property: JsonPropertyName("stored")] string Stored,
    [property: JsonPropertyName("accessCount")] long AccessCount);

/// <summary>Builds and reads the JSON documents of the warehouse commands.</summary>
public static class InventoryPage
{
    /// <summary>Inventory items from <paramref name="offset"/> whose JSON array stays within <paramref name="maxBytes"/> (at least one item when any is left).</summary>
    public static byte[] Build(IItemStore store, int offset, int maxBytes, string? location)
    {
        ArgumentNullException.ThrowIfNull(store);
        var parts = new List<byte[]>();
        var size = 2;
        var candidates = store.List(ItemSpace.Warehouse, offset, 64);
        foreach (var item in candidates)
        {
            var json = JsonSerializer.SerializeToUtf8Bytes(ToInventoryItem(item, location), WarehouseJson.Default.InventoryItem);
            var added = json.Length + (parts.Count > 0 ? 1 : 0);
            if (parts.Count > 0 && size + added > maxBytes)
            {
                break;
            }

            parts.Add(json);
            size += added;
        }

        var page = new byte[size];
        page[0] = (byte)'[';
        var at = 1;
        for (var i = 0; i < parts.Count; i++)
        {
            if (i > 0)
            {
                page[at++] = (byte)',';
            }

            parts[i].CopyTo(page, at);
            at += parts[i].Length;
        }

        page[at] = (byte)']';
        return page;
    }

    /// <summary>
    /// The answer to a LIST with no value, as the study's clients send it: the whole inventory in the
    /// study's own fields (key, preview, size, stored, accessCount) when it fits <paramref name="maxBytes"/>;
    /// otherwise as many entries as fit, then a last element <c>{"more":true,"offset":N}</c> saying
    /// where a paged LIST (value = N) goes on.
    /// </summary>
    public static byte[] BuildWhole(IItemStore store, int maxBytes, string? location)
    {
        ArgumentNullException.ThrowIfNull(store);
        const int MarkerRoom = 48;
        var entries = new List<string>();
        var size = 2;
        var listed = 0;
        var all = store.Count(ItemSpace.Warehouse);
        foreach (var item in store.List(ItemSpace.Warehouse, 0, Math.Min(all, 4096)))
        {
            var entry = ToInventoryItem(item, location);
            var json = JsonSerializer.Serialize(new StudyEntry(entry.Key, entry.Preview, entry.Size, entry.Stored, entry.AccessCount), WarehouseJson.Default.StudyEntry);
            var added = Encoding.UTF8.GetByteCount(json) + (entries.Count > 0 ? 1 : 0);
            var rest = all - listed - 1;
            if (size + added + (rest > 0 ? MarkerRoom : 0) > maxBytes)
            {
                break;
            }

            entries.Add(json);
            size += added;
            listed++;
        }

        if (listed < all)
        {
            entries.Add(string.Create(CultureInfo.InvariantCulture, $"{{\"more\":true,\"offset\":{listed}}}"));
        }

        return Encoding.UTF8.GetBytes("[" + string.Join(',', entries) + "]");
    }

    /// <summary>The inventory entry of <paramref name="item"/> held by a node tagged <paramref name="location"/>.</summary>
    public static InventoryItem ToInventoryItem(StoredItem item, string? location)
    {
        ArgumentNullException.ThrowIfNull(item);
        var hex = item.Key.ToString();
        var text = Encoding.UTF8.GetString(item.Value);
        return new InventoryItem
        {
            Key = hex[..16] + "...",
            Preview = (text.Length > 30 ? text[..30] : text) + "...",
            Size = item.Size,
            Stored = Iso(item.StoredAt),
            AccessCount = item.AccessCount,
            FullKey = hex,
            StoredBy = item.StoredBy,
            LastAccess = item.LastAccess is { } last ? Iso(last) : null,
            Location = location,
            IsSigned = item.OwnerKey is not null,
        };
    }

    /// <summary>Reads a LIST reply; empty for the JSON literal null.</summary>
    public static IReadOnlyList<InventoryItem> Parse(ReadOnlySpan<byte> page) =>
        JsonSerializer.Deserialize(page, WarehouseJson.Default.ListInventoryItem) ?? [];

    /// <summary>Reads a LIST reply; false when it is not an inventory page (another protocol's reply).</summary>
    public static bool TryParse(byte[] page, out IReadOnlyList<InventoryItem> items) => TryRead(() => Parse(page), out items!);

    /// <summary>Reads a KEY_STATS reply; false when it is not one (another protocol's reply).</summary>
    public static bool TryParseKeyStats(byte[] value, out InventoryItem? item) => TryRead(() => ParseKeyStats(value), out item);

    /// <summary>Reads an INFO reply; false when it is not one (another protocol's reply).</summary>
    public static bool TryParseInfo(byte[] value, out NodeInfo? info) => TryRead(() => ParseInfo(value), out info);

    private static bool TryRead<T>(Func<T> read, out T? result)
    {
        try
        {
            result = read();
            return true;
        }
        catch (JsonException)
        {
            // Not this protocol's JSON: the caller reports which node answered what.
            result = default;
            return false;
        }
    }

    /// <summary>Access statistics of one item (the KEY_STATS reply).</summary>
    public static byte[] KeyStats(StoredItem item, string? location) =>
        JsonSerializer.SerializeToUtf8Bytes(ToInventoryItem(item, location), WarehouseJson.Default.InventoryItem);

    /// <summary>Reads a KEY_STATS reply; null when it is empty (the item is not held).</summary>
    public static InventoryItem? ParseKeyStats(ReadOnlySpan<byte> value) =>
        value.IsEmpty ? null : JsonSerializer.Deserialize(value, WarehouseJson.Default.InventoryItem);

    /// <summary>The INFO reply: <paramref name="info"/> as camel-case JSON.</summary>
    public static byte[] Info(NodeInfo info) => JsonSerializer.SerializeToUtf8Bytes(info, NodeInfoJson.Default.NodeInfo);

    /// <summary>Reads an INFO reply.</summary>
    public static NodeInfo? ParseInfo(ReadOnlySpan<byte> value) =>
        JsonSerializer.Deserialize(value, NodeInfoJson.Default.NodeInfo);

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
