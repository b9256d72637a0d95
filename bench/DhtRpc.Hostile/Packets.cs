using System.Buffers.Binary;
using DhtRpc.Wire;

namespace DhtRpc.Hostile;

/// <summary>
/// dht-rpc datagrams encoded by hand from the protocol description (the library's codec is internal):
/// type byte, flags varint, tid (uint16 LE), the 6-byte address, then the optional fields in order.
/// </summary>
internal static class Packets
{
    public const byte RequestType = 0x03;
    public const byte ResponseType = 0x13;

    // Request flag bits.
    public const int RequestId = 1;
    public const int RequestToken = 2;
    public const int RequestInternal = 4;
    public const int RequestTarget = 8;
    public const int RequestValue = 16;

    // Response flag bits.
    public const int ResponseId = 1;
    public const int ResponseToken = 2;
    public const int ResponseCloser = 4;
    public const int ResponseError = 8;
    public const int ResponseValue = 16;

    // Internal commands.
    public const ulong Ping = 0;
    public const ulong PingNat = 1;
    public const ulong FindNode = 2;
    public const ulong DownHint = 3;
    public const ulong DelayedPing = 4;

    /// <summary>A REQUEST. Empty id, token or target spans leave the field out; a null value leaves the value out.</summary>
    public static byte[] Request(ushort tid, Ipv4Endpoint to, ulong command, bool isInternal, ReadOnlySpan<byte> target = default, byte[]? value = null, ReadOnlySpan<byte> id = default, ReadOnlySpan<byte> token = default)
    {
        var flags = (id.Length == 32 ? RequestId : 0) | (token.Length == 32 ? RequestToken : 0) | (isInternal ? RequestInternal : 0) |
            (target.Length == 32 ? RequestTarget : 0) | (value is not null ? RequestValue : 0);
        var writer = new Writer(64 + (value?.Length ?? 0));
        writer.Byte(RequestType);
        writer.Varint((ulong)flags);
        writer.UInt16(tid);
        writer.Address(to);
        writer.Fixed(id.Length == 32 ? id : default);
        writer.Fixed(token.Length == 32 ? token : default);
        writer.Varint(command);
        writer.Fixed(target.Length == 32 ? target : default);
        if (value is not null)
        {
            writer.Varint((ulong)value.Length);
            writer.Fixed(value);
        }

        return writer.ToArray();
    }

    /// <summary>A RESPONSE; error 0 is left out, as on the wire.</summary>
    public static byte[] Response(ushort tid, Ipv4Endpoint to, ReadOnlySpan<byte> id, ReadOnlySpan<byte> token, IReadOnlyList<Ipv4Endpoint>? closer, ulong error, byte[]? value)
    {
        var hasCloser = closer is { Count: > 0 };
        var flags = (id.Length == 32 ? ResponseId : 0) | (token.Length == 32 ? ResponseToken : 0) | (hasCloser ? ResponseCloser : 0) |
            (error > 0 ? ResponseError : 0) | (value is not null ? ResponseValue : 0);
        var writer = new Writer(96 + (closer?.Count ?? 0) * 6 + (value?.Length ?? 0));
        writer.Byte(ResponseType);
        writer.Varint((ulong)flags);
        writer.UInt16(tid);
        writer.Address(to);
        writer.Fixed(id.Length == 32 ? id : default);
        writer.Fixed(token.Length == 32 ? token : default);
        if (hasCloser)
        {
            writer.Varint((ulong)closer!.Count);
            foreach (var node in closer)
            {
                writer.Address(node);
            }
        }

        if (error > 0)
        {
            writer.Varint(error);
        }

        if (value is not null)
        {
            writer.Varint((ulong)value.Length);
            writer.Fixed(value);
        }

        return writer.ToArray();
    }

    /// <summary>The tid of any datagram long enough to have one (every message has a one-byte flags varint in practice).</summary>
    public static bool TryTid(ReadOnlySpan<byte> datagram, out ushort tid)
    {
        tid = 0;
        if (datagram.Length < 4 || datagram[1] >= 0xFD)
        {
            return false;
        }

        tid = BinaryPrimitives.ReadUInt16LittleEndian(datagram[2..]);
        return true;
    }

    /// <summary>Overwrites the tid of a datagram built by this class (one-byte flags).</summary>
    public static void SetTid(Span<byte> datagram, ushort tid) => BinaryPrimitives.WriteUInt16LittleEndian(datagram[2..], tid);

    /// <summary>The 6-byte wire form of an address, as DOWN_HINT carries it.</summary>
    public static byte[] AddressBytes(Ipv4Endpoint endpoint)
    {
        var bytes = new byte[Ipv4Endpoint.EncodedSize];
        endpoint.WriteTo(bytes);
        return bytes;
    }

    public static byte[] UInt16Value(int value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, checked((ushort)value));
        return bytes;
    }

    public static byte[] UInt32Value(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        return bytes;
    }

    /// <summary>A varint of the compact encoding, read leniently (any width, no range check), as a receiver reads it.</summary>
    internal static bool TryVarint(ReadOnlySpan<byte> data, ref int position, out ulong value)
    {
        value = 0;
        if (position >= data.Length)
        {
            return false;
        }

        var first = data[position++];
        var width = first switch
        {
            0xFD => 2,
            0xFE => 4,
            0xFF => 8,
            _ => 0,
        };
        if (width == 0)
        {
            value = first;
            return true;
        }

        if (position + width > data.Length)
        {
            return false;
        }

        var bytes = data.Slice(position, width);
        value = width switch
        {
            2 => BinaryPrimitives.ReadUInt16LittleEndian(bytes),
            4 => BinaryPrimitives.ReadUInt32LittleEndian(bytes),
            _ => BinaryPrimitives.ReadUInt64LittleEndian(bytes),
        };
        position += width;
        return true;
    }

    /// <summary>Appends compact-encoded fields to a growing buffer.</summary>
    private sealed class Writer(int capacity)
    {
        private readonly List<byte> _bytes = new(capacity);

        public void Byte(byte value) => _bytes.Add(value);

        public void UInt16(ushort value)
        {
            _bytes.Add((byte)value);
            _bytes.Add((byte)(value >> 8));
        }

        public void Varint(ulong value)
        {
            if (value <= 0xFC)
            {
                _bytes.Add((byte)value);
            }
            else if (value <= 0xFFFF)
            {
                _bytes.Add(0xFD);
                UInt16((ushort)value);
            }
            else if (value <= 0xFFFFFFFF)
            {
                _bytes.Add(0xFE);
                Span<byte> four = stackalloc byte[4];
                BinaryPrimitives.WriteUInt32LittleEndian(four, (uint)value);
                Fixed(four);
            }
            else
            {
                _bytes.Add(0xFF);
                Span<byte> eight = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(eight, value);
                Fixed(eight);
            }
        }

        public void Address(Ipv4Endpoint endpoint)
        {
            Span<byte> six = stackalloc byte[Ipv4Endpoint.EncodedSize];
            endpoint.WriteTo(six);
            Fixed(six);
        }

        public void Fixed(ReadOnlySpan<byte> bytes)
        {
            foreach (var b in bytes)
            {
                _bytes.Add(b);
            }
        }

        public byte[] ToArray() => [.. _bytes];
    }
}
