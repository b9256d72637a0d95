using System.Buffers.Binary;
using DhtRpc.Wire;

namespace DhtRpc.Hostile;

/// <summary>A decoded REQUEST (the fields the bench's attackers answer on).</summary>
internal readonly record struct ParsedRequest(ushort Tid, bool Internal, ulong Command, byte[]? Target, byte[]? Value, bool HasToken);

/// <summary>A decoded RESPONSE, with where its closer-node addresses sit in the datagram.</summary>
internal readonly record struct ParsedResponse(ushort Tid, byte[]? Token, ulong Error, byte[]? Value, int CloserOffset, int CloserCount);

/// <summary>Reads datagrams the way a dht-rpc receiver does: fields in order, trailing bytes ignored.</summary>
internal static class PacketReader
{
    public static bool TryRequest(ReadOnlySpan<byte> data, out ParsedRequest request)
    {
        request = default;
        var p = 1;
        if (data.Length < 1 || data[0] != Packets.RequestType || !Packets.TryVarint(data, ref p, out var flags) || p + 8 > data.Length)
        {
            return false;
        }

        var tid = BinaryPrimitives.ReadUInt16LittleEndian(data[p..]);
        p += 2 + Ipv4Endpoint.EncodedSize;
        if (!Skip(data, ref p, (flags & Packets.RequestId) != 0 ? 32 : 0) || !Skip(data, ref p, (flags & Packets.RequestToken) != 0 ? 32 : 0) ||
            !Packets.TryVarint(data, ref p, out var command))
        {
            return false;
        }

        byte[]? target = null, value = null;
        if ((flags & Packets.RequestTarget) != 0)
        {
            if (p + 32 > data.Length)
            {
                return false;
            }

            target = data.Slice(p, 32).ToArray();
            p += 32;
        }

        if ((flags & Packets.RequestValue) != 0 && !TryBuffer(data, ref p, out value))
        {
            return false;
        }

        request = new ParsedRequest(tid, (flags & Packets.RequestInternal) != 0, command, target, value, (flags & Packets.RequestToken) != 0);
        return true;
    }

    public static bool TryResponse(ReadOnlySpan<byte> data, out ParsedResponse response)
    {
        response = default;
        var p = 1;
        if (data.Length < 1 || data[0] != Packets.ResponseType || !Packets.TryVarint(data, ref p, out var flags) || p + 8 > data.Length)
        {
            return false;
        }

        var tid = BinaryPrimitives.ReadUInt16LittleEndian(data[p..]);
        p += 2 + Ipv4Endpoint.EncodedSize;
        byte[]? token = null, value = null;
        if (!Skip(data, ref p, (flags & Packets.ResponseId) != 0 ? 32 : 0))
        {
            return false;
        }

        if ((flags & Packets.ResponseToken) != 0)
        {
            if (p + 32 > data.Length)
            {
                return false;
            }

            token = data.Slice(p, 32).ToArray();
            p += 32;
        }

        int closerOffset = 0, closerCount = 0;
        if ((flags & Packets.ResponseCloser) != 0)
        {
            if (!Packets.TryVarint(data, ref p, out var count) || count > (ulong)((data.Length - p) / Ipv4Endpoint.EncodedSize))
            {
                return false;
            }

            closerOffset = p;
            closerCount = (int)count;
            p += closerCount * Ipv4Endpoint.EncodedSize;
        }

        ulong error = 0;
        if ((flags & Packets.ResponseError) != 0 && !Packets.TryVarint(data, ref p, out error))
        {
            return false;
        }

        if ((flags & Packets.ResponseValue) != 0 && !TryBuffer(data, ref p, out value))
        {
            return false;
        }

        response = new ParsedResponse(tid, token, error, value, closerOffset, closerCount);
        return true;
    }

    /// <summary>
    /// Rewrites the first octet of every closer node of a response to 127, so that a forged or mutated
    /// response that happens to match one of the node's own requests can only send it to loopback.
    /// A datagram that does not decode as a response is left as it is (the node drops it too).
    /// </summary>
    public static void KeepCloserNodesOnLoopback(Span<byte> datagram)
    {
        if (!TryResponse(datagram, out var response))
        {
            return;
        }

        for (var i = 0; i < response.CloserCount; i++)
        {
            datagram[response.CloserOffset + (i * Ipv4Endpoint.EncodedSize)] = 127;
        }
    }

    private static bool Skip(ReadOnlySpan<byte> data, ref int position, int count)
    {
        if (position + count > data.Length)
        {
            return false;
        }

        position += count;
        return true;
    }

    private static bool TryBuffer(ReadOnlySpan<byte> data, ref int position, out byte[]? value)
    {
        value = null;
        if (!Packets.TryVarint(data, ref position, out var length) || length > (ulong)(data.Length - position))
        {
            return false;
        }

        value = data.Slice(position, (int)length).ToArray();
        position += (int)length;
        return true;
    }
}
