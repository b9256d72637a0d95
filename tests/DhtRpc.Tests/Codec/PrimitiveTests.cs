using System.Text;
using System.Text.Json.Nodes;
using DhtRpc.Wire;
using Xunit;

namespace DhtRpc.Tests.Codec;

public sealed class PrimitiveTests
{
    /// <summary>"category/index" for every entry of the vectors' primitives section.</summary>
    public static TheoryData<string> PrimitiveNames()
    {
        var data = new TheoryData<string>();
        foreach (var (category, list) in Vectors.Obj(Vectors.Root, "primitives"))
        {
            for (var i = 0; i < list!.AsArray().Count; i++)
            {
                data.Add($"{category}/{i}");
            }
        }

        return data;
    }

    [Fact]
    public void Every_primitive_category_is_covered()
    {
        var categories = Vectors.Obj(Vectors.Root, "primitives").Select(p => p.Key).Order(StringComparer.Ordinal);
        Assert.Equal(["buffer", "ipv4Address", "ipv4Array", "uint", "uint16", "uint32"], categories);
    }

    [Theory]
    [MemberData(nameof(PrimitiveNames))]
    public void Primitive_encodes_to_recorded_bytes_and_decodes_back(string name)
    {
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        var category = name[..slash];
        var entry = Vectors.Arr(Vectors.Obj(Vectors.Root, "primitives"), category)[int.Parse(name[(slash + 1)..], System.Globalization.CultureInfo.InvariantCulture)]!;
        switch (category)
        {
            case "uint":
                CheckVarint(entry);
                break;
            case "uint16":
                CheckUInt16(entry);
                break;
            case "uint32":
                CheckUInt32(entry);
                break;
            case "buffer":
                CheckBuffer(entry);
                break;
            case "ipv4Address":
                CheckIpv4(entry);
                break;
            case "ipv4Array":
                CheckIpv4Array(entry);
                break;
            default:
                Assert.Fail($"unknown primitive category {category}");
                break;
        }
    }

    private static void CheckVarint(JsonNode entry)
    {
        var n = Vectors.Num<ulong>(entry, "n");
        var expected = Vectors.Hex(Vectors.Str(entry, "hex"));
        var buffer = new byte[16];
        var writer = new CompactWriter(buffer);
        writer.WriteVarint(n);
        Assert.Equal(expected.Length, CompactWriter.VarintSize(n));
        Assert.Equal(Vectors.ToHex(expected), Vectors.ToHex(buffer.AsSpan(0, writer.Position)));

        var reader = new CompactReader(expected);
        Assert.True(reader.TryReadVarint(out var decoded));
        Assert.Equal(n, decoded);
        Assert.Equal(0, reader.Remaining);
    }

    private static void CheckUInt16(JsonNode entry)
    {
        var n = Vectors.Num<ushort>(entry, "n");
        var expected = Vectors.Hex(Vectors.Str(entry, "hex"));
        var buffer = new byte[2];
        var writer = new CompactWriter(buffer);
        writer.WriteUInt16(n);
        Assert.Equal(expected, buffer);

        var reader = new CompactReader(expected);
        Assert.True(reader.TryReadUInt16(out var decoded));
        Assert.Equal(n, decoded);
        Assert.Equal(0, reader.Remaining);
    }

    private static void CheckUInt32(JsonNode entry)
    {
        var n = Vectors.Num<uint>(entry, "n");
        var expected = Vectors.Hex(Vectors.Str(entry, "hex"));
        var buffer = new byte[4];
        var writer = new CompactWriter(buffer);
        writer.WriteUInt32(n);
        Assert.Equal(expected, buffer);

        var reader = new CompactReader(expected);
        Assert.True(reader.TryReadUInt32(out var decoded));
        Assert.Equal(n, decoded);
        Assert.Equal(0, reader.Remaining);
    }

    private static void CheckBuffer(JsonNode entry)
    {
        byte[] value;
        if (entry["valueLength"] is JsonNode length)
        {
            // Only the prefix is recorded: varint length then the (zero) bytes.
            value = new byte[length.GetValue<int>()];
        }
        else if (entry["valueAscii"] is JsonNode ascii)
        {
            value = Encoding.ASCII.GetBytes(ascii.GetValue<string>());
        }
        else
        {
            // null encodes as a zero length; on 6.27.0 a zero length decodes as an empty buffer.
            Assert.True(entry.AsObject().ContainsKey("value"));
            Assert.Null(entry["value"]);
            value = [];
        }

        var buffer = new byte[CompactWriter.BufferSize(value.Length)];
        var writer = new CompactWriter(buffer);
        writer.WriteBuffer(value);
        Assert.Equal(buffer.Length, writer.Position);
        var hex = Vectors.ToHex(buffer);
        if (entry["hexPrefix"] is JsonNode prefix)
        {
            Assert.StartsWith(prefix.GetValue<string>(), hex, StringComparison.Ordinal);
            Assert.Equal(3 + value.Length, buffer.Length);
        }
        else
        {
            Assert.Equal(Vectors.Str(entry, "hex"), hex);
        }

        var reader = new CompactReader(buffer);
        Assert.True(reader.TryReadBuffer(out var decoded));
        Assert.Equal(value, decoded.ToArray());
        Assert.Equal(0, reader.Remaining);
    }

    private static Ipv4Endpoint Endpoint(JsonNode entry)
    {
        Assert.True(Ipv4Endpoint.TryParseHost(Vectors.Str(entry, "host"), out var address));
        return new Ipv4Endpoint(address, Vectors.Num<ushort>(entry, "port"));
    }

    private static void CheckIpv4(JsonNode entry)
    {
        var endpoint = Endpoint(entry);
        var buffer = new byte[Ipv4Endpoint.EncodedSize];
        var writer = new CompactWriter(buffer);
        writer.WriteIpv4(endpoint);
        Assert.Equal(Vectors.Str(entry, "hex"), Vectors.ToHex(buffer));

        var reader = new CompactReader(buffer);
        Assert.True(reader.TryReadIpv4(out var decoded));
        Assert.Equal(endpoint, decoded);
        Assert.Equal(Vectors.Str(entry, "host"), decoded.Host);
        Assert.Equal(0, reader.Remaining);
    }

    private static void CheckIpv4Array(JsonNode entry)
    {
        var list = Vectors.Arr(entry, "list").Select(e => Endpoint(e!)).ToArray();
        var buffer = new byte[CompactWriter.VarintSize((ulong)list.Length) + (list.Length * Ipv4Endpoint.EncodedSize)];
        var writer = new CompactWriter(buffer);
        writer.WriteIpv4Array(list);
        Assert.Equal(buffer.Length, writer.Position);
        Assert.Equal(Vectors.Str(entry, "hex"), Vectors.ToHex(buffer));

        var reader = new CompactReader(buffer);
        Assert.True(reader.TryReadIpv4Array(out var raw, out var count));
        Assert.Equal(list.Length, count);
        for (var i = 0; i < count; i++)
        {
            Assert.Equal(list[i], Ipv4Endpoint.Read(raw.Slice(i * Ipv4Endpoint.EncodedSize)));
        }

        Assert.Equal(0, reader.Remaining);
    }

    [Theory]
    [InlineData("fd0000", 0UL)]
    [InlineData("fd0500", 5UL)]
    [InlineData("fdfc00", 252UL)]
    [InlineData("fe05000000", 5UL)]
    [InlineData("fefdff0000", 0xFFFDUL)]
    [InlineData("ff0500000000000000", 5UL)]
    [InlineData("ff0000000100000000", 0x1000000UL)]
    [InlineData("ffffffffffffff1f00", (1UL << 53) - 1)]
    public void Non_minimal_and_maximal_varints_are_accepted(string hex, ulong expected)
    {
        var reader = new CompactReader(Vectors.Hex(hex));
        Assert.True(reader.TryReadVarint(out var value));
        Assert.Equal(expected, value);
        Assert.Equal(0, reader.Remaining);
    }

    [Theory]
    [InlineData("ff0000000000002000")] // 2^53
    [InlineData("ff0100000000002000")] // 2^53 + 1
    [InlineData("ff0000000000000001")] // 2^56
    [InlineData("ffffffffffffffffff")] // 2^64 - 1
    public void Varint_above_max_safe_integer_is_rejected(string hex)
    {
        var reader = new CompactReader(Vectors.Hex(hex));
        Assert.False(reader.TryReadVarint(out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("fd")]
    [InlineData("fd00")]
    [InlineData("fe")]
    [InlineData("fe000000")]
    [InlineData("ff")]
    [InlineData("ff00000000000000")]
    public void Truncated_varint_is_rejected(string hex)
    {
        var reader = new CompactReader(Vectors.Hex(hex));
        Assert.False(reader.TryReadVarint(out _));
    }

    [Fact]
    public void Truncated_fixed_width_fields_are_rejected()
    {
        var r16 = new CompactReader(Vectors.Hex("01"));
        Assert.False(r16.TryReadUInt16(out _));
        var r32 = new CompactReader(Vectors.Hex("010203"));
        Assert.False(r32.TryReadUInt32(out _));
        var rIp = new CompactReader(Vectors.Hex("7f00000149"));
        Assert.False(rIp.TryReadIpv4(out _));
        var r32Bytes = new CompactReader(new byte[31]);
        Assert.False(r32Bytes.TryReadFixed32(out _));
        var exact32 = new CompactReader(new byte[32]);
        Assert.True(exact32.TryReadFixed32(out var fixed32));
        Assert.Equal(32, fixed32.Length);
    }

    [Theory]
    [InlineData("0568656c6c")] // 5 announced, 4 present
    [InlineData("01")]
    [InlineData("fd2c01")]
    [InlineData("fd")]
    [InlineData("fe0000000100")]
    public void Truncated_buffer_is_rejected(string hex)
    {
        var reader = new CompactReader(Vectors.Hex(hex));
        Assert.False(reader.TryReadBuffer(out _));
    }

    [Fact]
    public void Buffer_of_300_bytes_one_short_is_rejected()
    {
        var bytes = new byte[3 + 299];
        Vectors.Hex("fd2c01").CopyTo(bytes, 0);
        var reader = new CompactReader(bytes);
        Assert.False(reader.TryReadBuffer(out _));
    }

    [Theory]
    [InlineData("01")]
    [InlineData("017f000001e8")]
    [InlineData("027f000001e8030a000002d0")]
    [InlineData("fd")]
    public void Truncated_ipv4_array_is_rejected(string hex)
    {
        var reader = new CompactReader(Vectors.Hex(hex));
        Assert.False(reader.TryReadIpv4Array(out _, out _));
    }

    [Fact]
    public void Ipv4_array_count_limit_is_0x100000()
    {
        // Enough bytes behind the count in both cases, so only the limit decides.
        var bytes = new byte[5 + ((CompactReader.MaxArrayLength + 1) * Ipv4Endpoint.EncodedSize)];
        bytes[0] = 0xFE;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(1), (uint)CompactReader.MaxArrayLength);
        var atLimit = new CompactReader(bytes);
        Assert.True(atLimit.TryReadIpv4Array(out var raw, out var count));
        Assert.Equal(0x100000, count);
        Assert.Equal(0x100000 * 6, raw.Length);

        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(1), (uint)CompactReader.MaxArrayLength + 1);
        var overLimit = new CompactReader(bytes);
        Assert.False(overLimit.TryReadIpv4Array(out _, out _));

        var hugeCount = new CompactReader(Vectors.Hex("ffffffffffffff1f00"));
        Assert.False(hugeCount.TryReadIpv4Array(out _, out _));
    }

    [Fact]
    public void Writer_varint_sizes_match_the_boundaries()
    {
        Assert.Equal(1, CompactWriter.VarintSize(0xFC));
        Assert.Equal(3, CompactWriter.VarintSize(0xFD));
        Assert.Equal(3, CompactWriter.VarintSize(0xFFFF));
        Assert.Equal(5, CompactWriter.VarintSize(0x10000));
        Assert.Equal(5, CompactWriter.VarintSize(0xFFFFFFFF));
        Assert.Equal(9, CompactWriter.VarintSize(0x100000000));
    }
}
