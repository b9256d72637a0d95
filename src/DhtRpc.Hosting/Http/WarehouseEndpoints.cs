using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DhtRpc.Storage.Stores;
using DhtRpc.Wire;
using Microsoft.AspNetCore.Http;

namespace DhtRpc.Hosting.Http;

/// <summary>
/// <c>/warehouse/items</c> (the inventory, a page at a time) and <c>/warehouse/items/{key}</c> (one
/// item: its metadata, its value and how often it was read), from the node's own store.
/// </summary>
internal static class WarehouseEndpoints
{
    private const int MaxPage = 500;

    public static async Task ListAsync(HttpContext context, DhtNodeService service)
    {
        if (!await Running.CheckAsync(context, service).ConfigureAwait(false) || !await HasStorageAsync(context, service).ConfigureAwait(false))
        {
            return;
        }

        if (!TryInt(context, "offset", 0, out var offset) || !TryInt(context, "limit", 100, out var limit) || offset < 0 || limit is < 1 or > MaxPage)
        {
            await JsonReply.ErrorAsync(context, StatusCodes.Status400BadRequest, $"offset must be a whole number from 0 and limit one from 1 to {MaxPage}.").ConfigureAwait(false);
            return;
        }

        var space = context.Request.Query["space"].ToString() == "content" ? ItemSpace.Content : ItemSpace.Warehouse;
        var (items, total) = service.Storage!.Inspect(store => (store.List(space, offset, limit), store.Count(space)));
        await JsonReply.WriteAsync(context, json =>
        {
            json.WriteStartObject();
            json.WriteString("space", space == ItemSpace.Content ? "content" : "warehouse");
            json.WriteNumber("total", total);
            json.WriteNumber("offset", offset);
            json.WriteString("location", service.Storage.Options.Location);
            json.WriteStartArray("items");
            foreach (var item in items)
            {
                json.WriteStartObject();
                WriteMetadata(json, item);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }).ConfigureAwait(false);
    }

    public static async Task ItemAsync(HttpContext context, DhtNodeService service)
    {
        if (!await Running.CheckAsync(context, service).ConfigureAwait(false) || !await HasStorageAsync(context, service).ConfigureAwait(false))
        {
            return;
        }

        // Either the stored key (sha256 of the user's key, 64 hex) or ?name=<the user's key>.
        var text = context.Request.RouteValues["key"] as string ?? "";
        NodeId key;
        if (string.Equals(text, "by-name", StringComparison.Ordinal) && context.Request.Query["name"].ToString() is { Length: > 0 } name)
        {
            key = NodeId.Read(SHA256.HashData(Encoding.UTF8.GetBytes(name)));
        }
        else if (text.Length != 64 || !NodeId.TryParse(text, out key))
        {
            await JsonReply.ErrorAsync(context, StatusCodes.Status400BadRequest, $"'{text}' is not an item key: 64 hexadecimal characters, or by-name?name=KEY.").ConfigureAwait(false);
            return;
        }

        var item = service.Storage!.Inspect(store => store.Get(ItemSpace.Warehouse, key));
        if (item is null)
        {
            await JsonReply.ErrorAsync(context, StatusCodes.Status404NotFound, $"This node holds no warehouse item {key}.").ConfigureAwait(false);
            return;
        }

        await JsonReply.WriteAsync(context, json =>
        {
            json.WriteStartObject();
            WriteMetadata(json, item);
            json.WriteBase64String("valueBase64", item.Value);
            json.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private static void WriteMetadata(Utf8JsonWriter json, StoredItem item)
    {
        json.WriteString("key", item.Key.ToString());
        json.WriteNumber("size", item.Size);
        json.WriteString("storedAt", item.StoredAt);
        json.WriteString("storedBy", item.StoredBy);
        json.WriteNumber("accessCount", item.AccessCount);
        if (item.LastAccess is { } last)
        {
            json.WriteString("lastAccess", last);
        }

        if (item.ExpiresAt is { } expires)
        {
            json.WriteString("expiresAt", expires);
        }

        json.WriteBoolean("signed", item.OwnerKey is not null);
        if (item.OwnerKey is { } owner)
        {
            json.WriteString("owner", Convert.ToHexStringLower(owner));
            json.WriteNumber("sequence", item.Sequence);
        }
    }

    private static async Task<bool> HasStorageAsync(HttpContext context, DhtNodeService service)
    {
        if (service.Storage is not null)
        {
            return true;
        }

        await JsonReply.ErrorAsync(context, StatusCodes.Status404NotFound, "This node serves no storage.").ConfigureAwait(false);
        return false;
    }

    private static bool TryInt(HttpContext context, string name, int fallback, out int value)
    {
        var text = context.Request.Query[name].ToString();
        if (text.Length == 0)
        {
            value = fallback;
            return true;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
