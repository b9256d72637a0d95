using System.Globalization;
using System.Text.Json.Nodes;
using DhtRpc.Wire;
using Xunit;

namespace DhtRpc.Tests.Codec;

public sealed class MessageVectorTests
{
    private static readonly HashSet<string> RequestSummaryKeys =
        new(["kind", "flags", "tid", "to", "id", "token", "internal", "command", "target", "value"], StringComparer.Ordinal);

    private static readonly HashSet<string> ResponseSummaryKeys =
        new(["kind", "flags", "tid", "to", "id", "token", "closerNodes", "error", "value"], StringComparer.Ordinal);

    private static readonly HashSet<string> BootstrapKeys =
        new(["from", "to", "kind", "command", "internal", "tid", "hasId", "hasToken", "hex", "closerNodes"], StringComparer.Ordinal);

    public static TheoryData<string> PacketNames() => new(Vectors.PacketNames);

    public static TheoryData<string> RawVectorPacketNames() =>
        new(Vectors.PacketNames.Where(n => n.StartsWith("raw/", StringComparison.Ordinal) && !n.Contains("downHintFollowUp", StringComparison.Ordinal)));

    [Fact]
    public void All_packet_sources_are_enumerated()
    {
        var names = Vectors.PacketNames.ToList();
        var raw = Vectors.Arr(Vectors.Root, "rawVectors");
        var expectedRaw = raw.Sum(v => (v?["request"] is JsonObject ? 1 : 0) + (v?["response"] is JsonObject ? 1 : 0));
        var expectedFollowUps = raw.Sum(v => v?["downHintFollowUp"] is JsonArray a ? a.Count : 0);
        var expectedFlows = Vectors.Arr(Vectors.Root, "libraryFlows").Sum(f => Vectors.Arr(f, "packets").Count);
        var expectedBootstrap = Vectors.Arr(Vectors.Root, "bootstrapTraffic").Count;

        Assert.Equal(23, raw.Count);
        Assert.Equal(expectedFollowUps, names.Count(n => n.Contains("/downHintFollowUp/", StringComparison.Ordinal)));
        Assert.True(expectedFollowUps > 0);
        Assert.Equal(expectedRaw, names.Count(n => n.StartsWith("raw/", StringComparison.Ordinal)) - expectedFollowUps);
        Assert.Equal(expectedFlows, names.Count(n => n.StartsWith("flow/", StringComparison.Ordinal)));
        Assert.Equal(expectedBootstrap, names.Count(n => n.StartsWith("bootstrap/", StringComparison.Ordinal)));
    }

    [Theory]
    [MemberData(nameof(PacketNames))]
    public void Packet_decodes_to_recorded_fields_and_reencodes_byte_exact(string name)
    {
        var packet = Vectors.Packets[name];
        var bytes = Vectors.Hex(Vectors.Str(packet, "hex"));

        Assert.True(MessageFields.TryDecode(bytes, out var fields, out var reencoded), "datagram does not decode");
        Assert.Equal(Vectors.ToHex(bytes), Vectors.ToHex(reencoded));

        // Exactly one of the two decoders accepts it, chosen by the first byte.
        Assert.NotEqual(RequestMessage.TryDecode(bytes, out _), ResponseMessage.TryDecode(bytes, out _));

        // The "to" field always names the socket the datagram was sent to.
        Assert.Equal(Vectors.SocketEndpoint(Vectors.Str(packet, "to")), fields.To);

        if (Vectors.Summary(packet) is { } summary)
        {
            AssertMatchesSummary(summary, fields, bytes);
        }
        else
        {
            AssertMatchesBootstrapRecord(packet, fields);
        }
    }

    private static void AssertMatchesSummary(JsonObject summary, MessageFields fields, byte[] bytes)
    {
        var kind = Vectors.Str(summary, "kind");
        Assert.Equal(kind == "request", fields.IsRequest);
        Assert.Equal(fields.IsRequest ? MessageType.Request : MessageType.Response, bytes[0]);
        foreach (var (key, _) in summary)
        {
            Assert.Contains(key, fields.IsRequest ? RequestSummaryKeys : ResponseSummaryKeys);
        }

        Assert.Equal(Vectors.Num<int>(summary, "flags"), fields.Flags);
        Assert.Equal(Vectors.Num<int>(summary, "flags"), bytes[1]);
        Assert.Equal(Vectors.Num<ushort>(summary, "tid"), fields.Tid);
        var to = Vectors.Obj(summary, "to");
        Assert.Equal(Vectors.Str(to, "host"), fields.To.Host);
        Assert.Equal(Vectors.Num<int>(to, "port"), fields.To.Port);
        Assert.Equal(OptionalHex(summary, "id"), fields.Id);
        Assert.Equal(OptionalHex(summary, "token"), fields.Token);
        Assert.Equal(OptionalHex(summary, "value"), fields.Value);

        if (fields.IsRequest)
        {
            Assert.Equal(summary["internal"]?.GetValue<bool>() ?? false, fields.Internal);
            Assert.Equal(Vectors.Num<ulong>(summary, "command"), fields.Command);
            Assert.Equal(OptionalHex(summary, "target"), fields.Target);
        }
        else
        {
            var closer = summary["closerNodes"] is JsonArray list
                ? list.Select(n => $"{Vectors.Str(n, "host")}:{Vectors.Num<int>(n, "port")}").ToArray()
                : [];
            Assert.Equal(closer.Length, fields.CloserNodeCount);
            Assert.Equal(string.Join(',', closer), fields.CloserNodes);
            Assert.Equal(summary["error"]?.GetValue<ulong>() ?? 0UL, fields.Error);
        }
    }

    private static void AssertMatchesBootstrapRecord(JsonObject packet, MessageFields fields)
    {
        foreach (var (key, _) in packet)
        {
            Assert.Contains(key, BootstrapKeys);
        }

        Assert.Equal(Vectors.Str(packet, "kind") == "request", fields.IsRequest);
        Assert.Equal(Vectors.Num<ushort>(packet, "tid"), fields.Tid);
        Assert.Equal(packet["hasId"]!.GetValue<bool>(), fields.Id is not null);
        Assert.Equal(packet["hasToken"]!.GetValue<bool>(), fields.Token is not null);
        if (fields.IsRequest)
        {
            Assert.Equal(Vectors.Num<ulong>(packet, "command"), fields.Command);
            Assert.Equal(packet["internal"]!.GetValue<bool>(), fields.Internal);
            Assert.Null(packet["closerNodes"]);
        }
        else
        {
            Assert.Null(packet["command"]);
            Assert.Equal(packet["closerNodes"]?.GetValue<int>() ?? 0, fields.CloserNodeCount);
        }
    }

    private static string? OptionalHex(JsonObject summary, string key) =>
        summary.TryGetPropertyValue(key, out var node) ? node?.GetValue<string>() : null;

    /// <summary>
    /// The raw vectors also record a field-by-field layout; the pieces must tile the datagram and
    /// each piece must be what our writer produces for the decoded value.
    /// </summary>
    [Theory]
    [MemberData(nameof(RawVectorPacketNames))]
    public void Raw_vector_field_layout_matches_codec(string name)
    {
        var packet = Vectors.Packets[name];
        var bytes = Vectors.Hex(Vectors.Str(packet, "hex"));
        Assert.True(MessageFields.TryDecode(bytes, out var fields, out _));
        var layout = Vectors.Arr(Vectors.Obj(packet, "decoded"), "fields");

        var offset = 0;
        var order = new List<string>();
        foreach (var field in layout)
        {
            var fieldName = Vectors.Str(field, "field");
            var length = Vectors.Num<int>(field, "length");
            Assert.Equal(offset, Vectors.Num<int>(field, "offset"));
            var slice = Vectors.ToHex(bytes.AsSpan(offset, length));
            Assert.Equal(Vectors.Str(field, "hex"), slice);
            Assert.Equal(ExpectedPiece(fieldName, fields), slice);
            order.Add(fieldName.Split('[', '.')[0]);
            offset += length;
        }

        Assert.Equal(bytes.Length, offset);

        var canonicalOrder = fields.IsRequest
            ? new[] { "type", "flags", "tid", "to", "id", "token", "command", "target", "value" }
            : ["type", "flags", "tid", "to", "id", "token", "closerNodes", "error", "value"];
        var positions = order.Distinct().Select(f => Array.IndexOf(canonicalOrder, f)).ToList();
        Assert.DoesNotContain(-1, positions);
        Assert.Equal(positions.Order(), positions);
    }

    private static string ExpectedPiece(string field, MessageFields f)
    {
        var buffer = new byte[16];
        var writer = new CompactWriter(buffer);
        switch (field)
        {
            case "type":
                writer.WriteByte(f.IsRequest ? MessageType.Request : MessageType.Response);
                break;
            case "flags":
                writer.WriteVarint((ulong)f.Flags);
                break;
            case "tid":
                writer.WriteUInt16(f.Tid);
                break;
            case "to":
                writer.WriteIpv4(f.To);
                break;
            case "command":
                writer.WriteVarint(f.Command);
                break;
            case "error":
                writer.WriteVarint(f.Error);
                break;
            case "closerNodes.length":
                writer.WriteVarint((ulong)f.CloserNodeCount);
                break;
            case "value.length":
                writer.WriteVarint((ulong)(f.Value!.Length / 2));
                break;
            case "id":
                return f.Id!;
            case "token":
                return f.Token!;
            case "target":
                return f.Target!;
            case "value":
                return f.Value!;
            default:
                Assert.StartsWith("closerNodes[", field, StringComparison.Ordinal);
                var index = int.Parse(field["closerNodes[".Length..^1], CultureInfo.InvariantCulture);
                writer.WriteIpv4(Ipv4Endpoint.Parse(f.CloserNodes.Split(',')[index]));
                break;
        }

        return Vectors.ToHex(buffer.AsSpan(0, writer.Position));
    }

    [Fact]
    public void Empty_value_flag_decodes_as_empty_value_on_6_27_0_and_reencodes_exactly()
    {
        var hex = Vectors.Str(Vectors.Packets["raw/empty_value_flag/request"], "hex");
        Assert.Equal("031447127f000001a6cc0000", hex);
        var bytes = Vectors.Hex(hex);

        Assert.True(RequestMessage.TryDecode(bytes, out var request));
        Assert.True(request.HasValue);
        Assert.Equal(0, request.Value.Length);
        Assert.Equal(RequestMessage.FlagInternal | RequestMessage.FlagValue, request.Flags);
        Assert.Equal(0UL, request.Command);
        Assert.Equal(hex, Vectors.ToHex(request.ToArray()));

        // And an explicitly built empty value is written as the flag plus a single 00.
        var built = new RequestMessage { Tid = 0x1247, To = Ipv4Endpoint.Loopback(52390), Internal = true, HasValue = true, Value = [] };
        Assert.Equal(hex, Vectors.ToHex(built.ToArray()));
    }

    [Fact]
    public void Vectors_without_reply_have_null_response()
    {
        var silent = Vectors.Arr(Vectors.Root, "rawVectors")
            .Where(v => v?["response"] is null)
            .Select(v => Vectors.Str(v, "name"))
            .Order(StringComparer.Ordinal);
        Assert.Equal(
            ["delayed_ping_over_cap", "down_hint_short_value", "find_node_without_target", "ping_nat_port_zero", "user_command_large_tid_and_command"],
            silent);
    }

    [Fact]
    public void Large_tid_and_three_byte_command_vector()
    {
        var bytes = Vectors.Hex(Vectors.Str(Vectors.Packets["raw/user_command_large_tid_and_command/request"], "hex"));
        Assert.True(RequestMessage.TryDecode(bytes, out var request));
        Assert.Equal(65535, request.Tid);
        Assert.Equal(300UL, request.Command);
        Assert.False(request.Internal);
        Assert.Equal("fd2c01", Vectors.ToHex(bytes.AsSpan(10)));
    }
}
