using System.Text.Json.Nodes;
using DhtRpc.Wire;

namespace DhtRpc.Tests.Codec;

/// <summary>
/// Access to the captured dht-rpc vectors file. Every captured datagram gets a stable name so that
/// theories can enumerate them one test case per packet.
/// </summary>
internal static class Vectors
{
    private static readonly Lazy<JsonObject> LazyRoot = new(Load);
    private static readonly Lazy<Dictionary<string, JsonObject>> LazyPackets = new(CollectPackets);

    public static JsonObject Root => LazyRoot.Value;

    /// <summary>Every captured datagram by name, in file order.</summary>
    public static IReadOnlyDictionary<string, JsonObject> Packets => LazyPackets.Value;

    public static IEnumerable<string> PacketNames => LazyPackets.Value.Keys;

    public static IEnumerable<byte[]> AllDatagrams => LazyPackets.Value.Values.Select(p => Hex(Str(p, "hex")));

    public static JsonObject Obj(JsonNode? node, string key) =>
        node?[key] as JsonObject ?? throw new InvalidOperationException($"missing object '{key}'");

    public static JsonArray Arr(JsonNode? node, string key) =>
        node?[key] as JsonArray ?? throw new InvalidOperationException($"missing array '{key}'");

    public static string Str(JsonNode? node, string key) =>
        node?[key]?.GetValue<string>() ?? throw new InvalidOperationException($"missing string '{key}'");

    public static T Num<T>(JsonNode? node, string key) =>
        node?[key] is JsonNode value ? value.GetValue<T>() : throw new InvalidOperationException($"missing number '{key}'");

    public static byte[] Hex(string hex) => Convert.FromHexString(hex);

    public static string ToHex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    /// <summary>Port of a socket label ("a.server", "raw", ...) from network.socketLabels; all sockets are on 127.0.0.1.</summary>
    public static int SocketPort(string label) => Num<int>(Obj(Root["network"], "socketLabels"), label);

    public static Ipv4Endpoint SocketEndpoint(string label) => Ipv4Endpoint.Loopback(SocketPort(label));

    /// <summary>The decoded summary of a packet: raw vectors nest it under "summary", flows store it directly; bootstrap packets have none.</summary>
    public static JsonObject? Summary(JsonObject packet)
    {
        if (packet["decoded"] is not JsonObject decoded)
        {
            return null;
        }

        return decoded["summary"] as JsonObject ?? decoded;
    }

    private static JsonObject Load()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "TestData", "dht-rpc-vectors.json");
        return JsonNode.Parse(File.ReadAllText(path))?.AsObject()
            ?? throw new InvalidOperationException("empty vectors file");
    }

    private static Dictionary<string, JsonObject> CollectPackets()
    {
        var packets = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        foreach (var vector in Arr(Root, "rawVectors"))
        {
            var name = Str(vector, "name");
            foreach (var direction in new[] { "request", "response" })
            {
                if (vector?[direction] is JsonObject packet)
                {
                    packets.Add($"raw/{name}/{direction}", packet);
                }
            }

            if (vector?["downHintFollowUp"] is JsonArray followUps)
            {
                for (var i = 0; i < followUps.Count; i++)
                {
                    packets.Add($"raw/{name}/downHintFollowUp/{i}", followUps[i]!.AsObject());
                }
            }
        }

        foreach (var flow in Arr(Root, "libraryFlows"))
        {
            var name = Str(flow, "name");
            var list = Arr(flow, "packets");
            for (var i = 0; i < list.Count; i++)
            {
                packets.Add($"flow/{name}/{i}", list[i]!.AsObject());
            }
        }

        var bootstrap = Arr(Root, "bootstrapTraffic");
        for (var i = 0; i < bootstrap.Count; i++)
        {
            packets.Add($"bootstrap/{i}", bootstrap[i]!.AsObject());
        }

        return packets;
    }
}
