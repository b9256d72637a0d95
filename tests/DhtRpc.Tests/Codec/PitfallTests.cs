using DhtRpc.Wire;
using Xunit;

namespace DhtRpc.Tests.Codec;

/// <summary>Hand-made datagrams for the wire-format pitfalls listed in the protocol notes (§11).</summary>
public sealed class PitfallTests
{
    private const string To = "7f000001a6cc"; // 127.0.0.1:52390
    private static readonly string Id = string.Concat(Enumerable.Repeat("11", 32));
    private static readonly string TokenHex = string.Concat(Enumerable.Repeat("22", 32));
    private static readonly string TargetHex = string.Concat(Enumerable.Repeat("33", 32));

    [Fact]
    public void Flag_bits_2_and_3_mean_internal_and_target_in_requests()
    {
        Assert.True(RequestMessage.TryDecode(Vectors.Hex($"030c3412{To}02{TargetHex}"), out var request));
        Assert.True(request.Internal);
        Assert.True(request.HasTarget);
        Assert.Equal(TargetHex, Vectors.ToHex(request.Target));
        Assert.Equal(2UL, request.Command);

        // Internal alone has no payload.
        Assert.True(RequestMessage.TryDecode(Vectors.Hex($"03043412{To}00"), out var ping));
        Assert.True(ping.Internal);
        Assert.False(ping.HasTarget);
    }

    [Fact]
    public void Flag_bits_2_and_3_mean_closer_nodes_and_error_in_responses()
    {
        Assert.True(ResponseMessage.TryDecode(Vectors.Hex($"130c3412{To}01010203040201" + "02"), out var response));
        Assert.Equal(1, response.CloserNodeCount);
        Assert.Equal(Ipv4Endpoint.Parse("1.2.3.4:258"), response.CloserNode(0));
        Assert.Equal(2UL, response.Error);

        // The request reading of flags 0x0c on a response body would need a 32-byte target: the
        // same body with the request type byte is truncated.
        Assert.False(RequestMessage.TryDecode(Vectors.Hex($"030c3412{To}01010203040201" + "02"), out _));
    }

    [Fact]
    public void Request_field_order_is_id_token_command_target_value()
    {
        var message = new RequestMessage
        {
            Tid = 0xBEEF,
            To = Ipv4Endpoint.Parse("127.0.0.1:52390"),
            Id = Vectors.Hex(Id),
            Token = Vectors.Hex(TokenHex),
            Internal = true,
            Command = 300,
            Target = Vectors.Hex(TargetHex),
            HasValue = true,
            Value = "hello"u8,
        };
        var hex = Vectors.ToHex(message.ToArray());
        Assert.Equal($"031fefbe{To}{Id}{TokenHex}fd2c01{TargetHex}0568656c6c6f", hex);
        Assert.Equal(message.EncodedSize, hex.Length / 2);

        Assert.True(RequestMessage.TryDecode(Vectors.Hex(hex), out var decoded));
        Assert.Equal(MessageFields.Of(message), MessageFields.Of(decoded));
    }

    [Fact]
    public void Response_field_order_is_id_token_closer_nodes_error_value()
    {
        var message = new ResponseMessage
        {
            Tid = 0x0102,
            To = Ipv4Endpoint.Parse("127.0.0.1:45860"),
            Id = Vectors.Hex(Id),
            Token = Vectors.Hex(TokenHex),
            CloserNodesRaw = Vectors.Hex("027f000001e8030a000002d007"[2..]),
            Error = 16,
            HasValue = true,
            Value = "v"u8,
        };
        var hex = Vectors.ToHex(message.ToArray());
        Assert.Equal($"131f0201{"7f00000124b3"}{Id}{TokenHex}027f000001e8030a000002d0071001" + "76", hex);
        Assert.Equal(message.EncodedSize, hex.Length / 2);

        Assert.True(ResponseMessage.TryDecode(Vectors.Hex(hex), out var decoded));
        Assert.Equal(MessageFields.Of(message), MessageFields.Of(decoded));
        Assert.Equal(Ipv4Endpoint.Parse("10.0.0.2:2000"), decoded.CloserNode(1));
    }

    [Fact]
    public void Tid_and_ports_are_little_endian()
    {
        Assert.True(RequestMessage.TryDecode(Vectors.Hex("030034120a0b0c0d785600"), out var request));
        Assert.Equal(0x1234, request.Tid);
        Assert.Equal(0x0A0B0C0Du, request.To.Address);
        Assert.Equal(0x5678, request.To.Port);
        Assert.Equal("10.11.12.13:22136", request.To.ToString());

        var response = new ResponseMessage { Tid = 0xABCD, To = Ipv4Endpoint.Parse("192.168.1.2:4660") };
        Assert.Equal("1300cdabc0a801023412", Vectors.ToHex(response.ToArray()));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(20)]
    [InlineData(21)]
    [InlineData(300)]
    public void Closer_nodes_count_is_decoded(int count)
    {
        var nodes = new byte[count * 6];
        var expected = new Ipv4Endpoint[count];
        for (var i = 0; i < count; i++)
        {
            expected[i] = new Ipv4Endpoint(0x0A000000u + (uint)i, (ushort)(1000 + i));
            expected[i].WriteTo(nodes.AsSpan(i * 6));
        }

        var countBytes = new byte[CompactWriter.VarintSize((ulong)count)];
        var writer = new CompactWriter(countBytes);
        writer.WriteVarint((ulong)count);
        var datagram = Vectors.Hex($"1304ffff{To}{Vectors.ToHex(countBytes)}{Vectors.ToHex(nodes)}");

        Assert.True(ResponseMessage.TryDecode(datagram, out var response));
        Assert.Equal(count, response.CloserNodeCount);
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(expected[i], response.CloserNode(i));
        }

        Assert.Equal(Vectors.ToHex(datagram), Vectors.ToHex(response.ToArray()));

        // One address byte short: the whole datagram is rejected.
        Assert.False(ResponseMessage.TryDecode(datagram.AsSpan(0, datagram.Length - 1), out _));
    }

    [Fact]
    public void Closer_nodes_count_above_limit_rejects_the_datagram()
    {
        Assert.False(ResponseMessage.TryDecode(Vectors.Hex($"13040000{To}fe01001000"), out _));
        Assert.False(ResponseMessage.TryDecode(Vectors.Hex($"13040000{To}ffffffffffffff1f00"), out _));
    }

    [Theory]
    [InlineData("raw/find_node/response")]
    [InlineData("raw/user_command_with_valid_token/request")]
    [InlineData("raw/ping/request")]
    [InlineData("raw/ping/response")]
    [InlineData("raw/error_invalid_token/response")]
    public void Trailing_bytes_after_the_last_field_are_ignored(string name)
    {
        var hex = Vectors.Str(Vectors.Packets[name], "hex");
        Assert.True(MessageFields.TryDecode(Vectors.Hex(hex), out var expected, out _));
        foreach (var junk in new[] { "00", "ff", "deadbeef", "fdffff", string.Concat(Enumerable.Repeat("13", 100)) })
        {
            Assert.True(MessageFields.TryDecode(Vectors.Hex(hex + junk), out var fields, out var reencoded));
            Assert.Equal(expected, fields);
            Assert.Equal(hex, Vectors.ToHex(reencoded));
        }
    }

    [Theory]
    [InlineData("24", "20")] // bit 5
    [InlineData("e4", "e0")] // bits 5..7
    [InlineData("fc", "e0")] // largest one-byte varint: bits 2..7 (response: 5..7 only)
    [InlineData("fd0401", "fd0001")] // bit 8, three-byte varint
    [InlineData("fe04000080", "fe00000080")] // bit 31
    [InlineData("ff0400000000001000", "ff0000000000001000")] // bit 52
    public void Unknown_high_flag_bits_are_ignored(string flags, string responseFlags)
    {
        // A ping (internal, command 0); "fc" also sets bits 3 and 4, so append a target and a value for it.
        var tail = flags == "fc" ? $"{TargetHex}00" : string.Empty;
        Assert.True(RequestMessage.TryDecode(Vectors.Hex($"03{flags}3412{To}00{tail}"), out var request));
        Assert.True(request.Internal);
        Assert.False(request.HasId);
        Assert.False(request.HasToken);
        Assert.Equal(0x1234, request.Tid);
        Assert.Equal(0UL, request.Command);
        var expectedFlags = flags == "fc" ? "1c" : "04";
        Assert.Equal($"03{expectedFlags}3412{To}00{tail}", Vectors.ToHex(request.ToArray()));

        Assert.True(ResponseMessage.TryDecode(Vectors.Hex($"13{responseFlags}3412{To}"), out var response));
        Assert.Equal(0, response.Flags);
        Assert.Equal($"13003412{To}", Vectors.ToHex(response.ToArray()));
    }

    [Fact]
    public void Non_minimal_flags_varint_is_accepted()
    {
        Assert.True(RequestMessage.TryDecode(Vectors.Hex($"03fd04003412{To}00"), out var request));
        Assert.True(request.Internal);
        Assert.Equal($"03043412{To}00", Vectors.ToHex(request.ToArray()));
    }

    [Theory]
    [InlineData("00")]
    [InlineData("01")]
    [InlineData("02")]
    [InlineData("04")]
    [InlineData("07")]
    [InlineData("13")]
    [InlineData("23")]
    [InlineData("33")]
    [InlineData("12")]
    public void Unknown_type_byte_is_rejected(string type)
    {
        Assert.False(RequestMessage.TryDecode(Vectors.Hex($"{type}043412{To}00"), out _));
        if (type != "13")
        {
            Assert.False(ResponseMessage.TryDecode(Vectors.Hex($"{type}043412{To}00"), out _));
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("03")]
    [InlineData("13")]
    [InlineData("0304")]
    [InlineData("03043412")]
    [InlineData("030434127f000001a6cc")] // command missing
    [InlineData("030534127f000001a6cc00")] // id flag but no id
    [InlineData("031434127f000001a6cc0005")] // value length 5, no bytes
    [InlineData("130134127f000001a6cc")] // id flag but no id
    [InlineData("130834127f000001a6cc")] // error flag but no code
    [InlineData("1310")] // no tid
    public void Truncated_messages_are_rejected(string hex)
    {
        var bytes = Vectors.Hex(hex);
        Assert.False(RequestMessage.TryDecode(bytes, out _));
        Assert.False(ResponseMessage.TryDecode(bytes, out _));
    }

    [Fact]
    public void Response_with_error_flag_and_code_0_is_a_success()
    {
        Assert.True(ResponseMessage.TryDecode(Vectors.Hex($"13083412{To}00"), out var response));
        Assert.Equal(0UL, response.Error);
        Assert.Equal($"13003412{To}", Vectors.ToHex(response.ToArray()));
    }

    [Fact]
    public void Empty_response_value_is_flag_plus_zero_length()
    {
        var response = new ResponseMessage { Tid = 1, To = Ipv4Endpoint.Parse("127.0.0.1:52390"), HasValue = true, Value = [] };
        Assert.Equal($"13100100{To}00", Vectors.ToHex(response.ToArray()));
        Assert.True(ResponseMessage.TryDecode(response.ToArray(), out var decoded));
        Assert.True(decoded.HasValue);
        Assert.Equal(0, decoded.Value.Length);
    }

    [Fact]
    public void Oversized_command_varint_rejects_the_request()
    {
        Assert.False(RequestMessage.TryDecode(Vectors.Hex($"03043412{To}ff0000000000002000"), out _));
        Assert.True(RequestMessage.TryDecode(Vectors.Hex($"03043412{To}ffffffffffffff1f00"), out var max));
        Assert.Equal((1UL << 53) - 1, max.Command);
        Assert.Equal($"03043412{To}ffffffffffffff1f00", Vectors.ToHex(max.ToArray()));
    }
}
