using System.Text.Json;
using DhtRpc.Storage.Stores;
using Microsoft.AspNetCore.Http;

namespace DhtRpc.Hosting.Http;

/// <summary><c>/status</c>, <c>/routing</c> and <c>/stats</c>: what the node is, whom it knows, what it counted.</summary>
internal static class NodeEndpoints
{
    /// <summary>Seconds per routing-table tick (the node's maintenance interval).</summary>
    private const int TickSeconds = 5;

    public static async Task StatusAsync(HttpContext context, DhtNodeService service)
    {
        if (!await Running.CheckAsync(context, service).ConfigureAwait(false))
        {
            return;
        }

        var node = service.Node;
        var table = await node.GetRoutingTableAsync().ConfigureAwait(false);
        var storage = service.Storage;
        var held = storage?.Inspect(store => (Content: store.Count(ItemSpace.Content), Warehouse: store.Count(ItemSpace.Warehouse), Bytes: store.TotalBytes()));
        await JsonReply.WriteAsync(context, json =>
        {
            json.WriteStartObject();
            json.WriteString("id", node.Id?.ToString());
            json.WriteString("tableId", node.TableId.ToString());
            json.WriteString("role", service.Options.Bootstrapper ? "bootstrap" : storage is null ? "node" : "storage");
            json.WriteString("address", node.ServerEndpoint?.ToString());
            json.WriteString("publicAddress", node.PublicEndpoint?.ToString());
            json.WriteBoolean("bootstrapped", node.Bootstrapped);
            json.WriteBoolean("online", node.Online);
            json.WriteBoolean("degraded", node.Degraded);
            json.WriteBoolean("firewalled", node.Firewalled);
            json.WriteBoolean("ephemeral", node.Ephemeral);
            json.WriteNumber("uptimeSeconds", (long)(DateTimeOffset.UtcNow - service.StartedAt).TotalSeconds);
            json.WriteNumber("routingTableSize", table.Count);
            json.WriteNumber("rememberedPeers", service.Host?.RememberedPeers.Count ?? 0);
            json.WriteString("dataDirectory", service.Options.DataDirectory);
            if (storage is not null && held is { } h)
            {
                json.WriteStartObject("storage");
                json.WriteString("location", storage.Options.Location);
                json.WriteNumber("contentItems", h.Content);
                json.WriteNumber("warehouseItems", h.Warehouse);
                json.WriteNumber("bytes", h.Bytes);
                json.WriteNumber("queuedRequests", storage.QueuedRequests);
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }).ConfigureAwait(false);
    }

    public static async Task RoutingAsync(HttpContext context, DhtNodeService service)
    {
        if (!await Running.CheckAsync(context, service).ConfigureAwait(false))
        {
            return;
        }

        var node = service.Node;
        var table = await node.GetRoutingTableAsync().ConfigureAwait(false);
        var me = node.TableId;
        var tick = node.Tick;
        var rows = table.GroupBy(n => me.CommonPrefixLength(n.Id)).OrderBy(g => g.Key).ToList();
        await JsonReply.WriteAsync(context, json =>
        {
            json.WriteStartObject();
            json.WriteString("id", me.ToString());
            json.WriteNumber("size", table.Count);
            json.WriteNumber("tickSeconds", TickSeconds);
            json.WriteStartArray("rows");
            foreach (var row in rows)
            {
                json.WriteStartObject();
                json.WriteNumber("row", row.Key);
                json.WriteStartArray("nodes");
                foreach (var entry in row)
                {
                    json.WriteStartObject();
                    json.WriteString("id", entry.Id.ToString());
                    json.WriteString("address", entry.Endpoint.ToString());
                    json.WriteNumber("ageSeconds", Math.Max(0, tick - entry.Added) * TickSeconds);
                    json.WriteNumber("seenSecondsAgo", Math.Max(0, tick - entry.Seen) * TickSeconds);
                    json.WriteNumber("downHints", entry.DownHints);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }).ConfigureAwait(false);
    }

    public static async Task StatsAsync(HttpContext context, DhtNodeService service)
    {
        if (!await Running.CheckAsync(context, service).ConfigureAwait(false))
        {
            return;
        }

        var node = service.Node;
        var stats = node.Stats;
        var socket = node.SocketCounters;
        var storage = service.Storage;
        await JsonReply.WriteAsync(context, json =>
        {
            json.WriteStartObject();
            json.WriteStartObject("requests");
            json.WriteNumber("active", stats.Requests.Active);
            json.WriteNumber("total", stats.Requests.Total);
            json.WriteNumber("responses", stats.Requests.Responses);
            json.WriteNumber("timeouts", stats.Requests.Timeouts);
            json.WriteNumber("retries", stats.Requests.Retries);
            json.WriteEndObject();
            json.WriteStartObject("queries");
            json.WriteNumber("active", stats.Queries.Active);
            json.WriteNumber("total", stats.Queries.Total);
            json.WriteEndObject();
            json.WriteStartObject("commands");
            WriteCommand(json, "ping", stats.Ping);
            WriteCommand(json, "pingNat", stats.PingNat);
            WriteCommand(json, "findNode", stats.FindNode);
            WriteCommand(json, "downHint", stats.DownHint);
            json.WriteEndObject();
            json.WriteStartObject("socket");
            json.WriteNumber("sendErrors", socket.SendErrors);
            json.WriteNumber("receiveErrors", socket.ReceiveErrors);
            json.WriteNumber("handlerErrors", socket.HandlerErrors);
            json.WriteEndObject();
            json.WriteStartObject("counters");
            foreach (var (name, value) in stats.Counters())
            {
                json.WriteNumber(name, value);
            }

            json.WriteEndObject();
            if (storage is not null)
            {
                var s = storage.Stats;
                json.WriteStartObject("storage");
                json.WriteNumber("stored", s.Stored);
                json.WriteNumber("served", s.Served);
                json.WriteNumber("deleted", s.Deleted);
                json.WriteNumber("republished", s.Republished);
                json.WriteNumber("evicted", s.Evicted);
                json.WriteNumber("refused", s.RefusedTotal);
                json.WriteNumber("queuedRequests", storage.QueuedRequests);
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private static void WriteCommand(Utf8JsonWriter json, string name, Rpc.CommandStats stats)
    {
        json.WriteStartObject(name);
        json.WriteNumber("tx", stats.Tx);
        json.WriteNumber("rx", stats.Rx);
        json.WriteEndObject();
    }
}
