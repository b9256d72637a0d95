using System.Globalization;
using DhtRpc.Crypto;
using DhtRpc.Wire;
using Xunit;

namespace DhtRpc.Tests.Codec;

public sealed class NodeIdTests
{
    public static TheoryData<int> ExampleIndexes() =>
        new(Enumerable.Range(0, Vectors.Arr(Vectors.Obj(Vectors.Root, "nodeIdExamples"), "examples").Count));

    public static TheoryData<string> LiveNodeNames() =>
        new(Vectors.Arr(Vectors.Obj(Vectors.Root, "nodeIdExamples"), "liveNodes").Select(n => Vectors.Str(n, "node")));

    /// <summary>Captured datagrams that carry an id field.</summary>
    public static TheoryData<string> IdCarryingPacketNames() =>
        new(Vectors.PacketNames.Where(n => (Vectors.Hex(Vectors.Str(Vectors.Packets[n], "hex"))[1] & 1) != 0));

    [Theory]
    [MemberData(nameof(ExampleIndexes))]
    public void Node_id_example_matches(int index)
    {
        var example = Vectors.Arr(Vectors.Obj(Vectors.Root, "nodeIdExamples"), "examples")[index];
        var endpoint = Ipv4Endpoint.Parse($"{Vectors.Str(example, "host")}:{Vectors.Num<int>(example, "port").ToString(CultureInfo.InvariantCulture)}");

        var address = new byte[Ipv4Endpoint.EncodedSize];
        endpoint.WriteTo(address);
        Assert.Equal(Vectors.Str(example, "addressBytesHex"), Vectors.ToHex(address));

        var id = Blake2b.NodeIdOf(endpoint);
        Assert.Equal(Vectors.Str(example, "idHex"), id.ToString());
        Assert.Equal(id, Blake2b.HashToId(address));
        Assert.Equal(id, NodeId.Parse(Vectors.Str(example, "idHex")));
    }

    [Theory]
    [MemberData(nameof(LiveNodeNames))]
    public void Live_node_id_matches(string node)
    {
        var live = Vectors.Arr(Vectors.Obj(Vectors.Root, "nodeIdExamples"), "liveNodes").Single(n => Vectors.Str(n, "node") == node)!;
        var network = Vectors.Obj(Vectors.Obj(Vectors.Root, "network"), "nodes");
        var serverPort = Vectors.Num<int>(network[node], "server");
        Assert.Equal(serverPort, Vectors.SocketPort($"{node}.server"));

        if (live["ephemeral"]?.GetValue<bool>() == true)
        {
            // An ephemeral node has no id; its random table id is not the address hash.
            Assert.Null(network[node]!["id"]);
            Assert.NotEqual(Vectors.Str(live, "tableIdHex"), Blake2b.NodeIdOf(Ipv4Endpoint.Loopback(serverPort)).ToString());
            return;
        }

        Assert.Equal(serverPort, Vectors.Num<int>(live, "serverPort"));
        var id = Blake2b.NodeIdOf(Ipv4Endpoint.Parse($"{Vectors.Str(live, "host")}:{serverPort.ToString(CultureInfo.InvariantCulture)}"));
        Assert.Equal(Vectors.Str(live, "idHex"), id.ToString());
        Assert.Equal(Vectors.Str(live, "expectedHex"), id.ToString());
        Assert.Equal(Vectors.Str(network[node], "id"), id.ToString());
    }

    /// <summary>
    /// Id validation (§2.5) against real traffic: an id on the wire is the hash of the sender's
    /// source address, and only persistent nodes put it there, only from their server socket.
    /// </summary>
    [Theory]
    [MemberData(nameof(IdCarryingPacketNames))]
    public void Carried_id_is_hash_of_sender_address(string name)
    {
        var packet = Vectors.Packets[name];
        Assert.True(MessageFields.TryDecode(Vectors.Hex(Vectors.Str(packet, "hex")), out var fields, out _));
        Assert.NotNull(fields.Id);
        var from = Vectors.Str(packet, "from");
        var computed = Blake2b.NodeIdOf(Vectors.SocketEndpoint(from)).ToString();

        if (from is "raw" or "raw2")
        {
            // Hand-made requests from a plain socket: exactly the two id-validation vectors.
            var valid = name == "raw/request_with_valid_id/request";
            Assert.True(valid || name == "raw/request_with_invalid_id/request", name);
            Assert.Equal(valid, computed == fields.Id);
            return;
        }

        var node = from[..from.IndexOf('.', StringComparison.Ordinal)];
        Assert.Equal($"{node}.server", from);
        var info = Vectors.Obj(Vectors.Obj(Vectors.Obj(Vectors.Root, "network"), "nodes"), node);
        Assert.False(info["ephemeral"]!.GetValue<bool>());
        Assert.Equal(computed, fields.Id);
        Assert.Equal(Vectors.Str(info, "id"), fields.Id);
    }

    [Fact]
    public void No_id_from_client_sockets_or_ephemeral_nodes()
    {
        var checkedPackets = 0;
        foreach (var (name, packet) in Vectors.Packets)
        {
            var from = Vectors.Str(packet, "from");
            var ephemeralNode = from.StartsWith("e.", StringComparison.Ordinal);
            if (!from.EndsWith(".client", StringComparison.Ordinal) && !ephemeralNode)
            {
                continue;
            }

            Assert.True(MessageFields.TryDecode(Vectors.Hex(Vectors.Str(packet, "hex")), out var fields, out _));
            Assert.True(fields.Id is null, $"{name} from {from} carries an id");
            checkedPackets++;
        }

        Assert.True(checkedPackets > 10);
    }

    [Fact]
    public void Hinted_node_id_in_down_hint_vector()
    {
        var vector = Vectors.Arr(Vectors.Root, "rawVectors").Single(v => Vectors.Str(v, "name") == "down_hint");
        var hinted = Vectors.Obj(vector, "hintedNode");
        var endpoint = Ipv4Endpoint.Parse($"{Vectors.Str(hinted, "host")}:{Vectors.Num<int>(hinted, "port").ToString(CultureInfo.InvariantCulture)}");
        Assert.Equal(Vectors.Str(hinted, "idHex"), Blake2b.NodeIdOf(endpoint).ToString());

        // The DOWN_HINT request value is the 6-byte address of the hinted node.
        Assert.True(MessageFields.TryDecode(Vectors.Hex(Vectors.Str(Vectors.Packets["raw/down_hint/request"], "hex")), out var fields, out _));
        var address = new byte[6];
        endpoint.WriteTo(address);
        Assert.Equal(Vectors.ToHex(address), fields.Value);
    }
}
