using System.Buffers.Binary;

namespace DhtRpc.Wire;

/// <summary>
/// Reads compact-encoding primitives from a span. Every method returns false instead of throwing
/// when the input is short or out of range, so hostile datagrams cost no exceptions.
/// </summary>
public ref struct CompactReader
{
    /// <summary>Largest integer JavaScript represents exactly; larger varints are a decode error.</summary>
    public const ulong MaxSafeInteger = (1UL << 53) - 1;

    /// <summary>Decoders reject address arrays longer than this.</summary>
    public const int MaxArrayLength = 0x100000;

    private readonly ReadOnlySpan<byte> _buffer;
    private int _position;

    /// <summary>Reads <paramref name="buffer"/> from its first byte.</summary>
    public CompactReader(ReadOnlySpan<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
    }

    /// <summary>Bytes read so far.</summary>
    public readonly int Position => _position;

    /// <summary>Bytes not read yet.</summary>
    public readonly int Remaining => _buffer.Length - _position;

    /// <summary>Reads one byte; false at the end.</summary>
    public bool TryReadByte(out byte value)
    {
        if (_position >= _buffer.Length)
        {
            value = 0;
            return false;
        }

        value = _buffer[_position++];
        return true;
    }

    /// <summary>Reads a compact-encoding uint (1, 3, 5 or 9 bytes); false when truncated or above 2^53−1, which JS peers refuse.</summary>
    public bool TryReadVarint(out ulong value)
    {
        value = 0;
        if (!TryReadByte(out var first))
        {
            return false;
        }

        switch (first)
        {
            case <= 0xFC:
                value = first;
                return true;
            case 0xFD:
                if (!TryReadUInt16(out var u16))
                {
                    return false;
                }

                value = u16;
                return true;
            case 0xFE:
                if (!TryReadUInt32(out var u32))
                {
                    return false;
                }

                value = u32;
                return true;
            default:
                if (Remaining < 8)
                {
                    return false;
                }

                value = BinaryPrimitives.ReadUInt64LittleEndian(_buffer.Slice(_position, 8));
                _position += 8;
                return value <= MaxSafeInteger;
        }
    }

    /// <summary>Reads a little-endian uint16; false when truncated.</summary>
    public bool TryReadUInt16(out ushort value)
    {
        if (Remaining < 2)
        {
            value = 0;
            return false;
        }

        value = BinaryPrimitives.ReadUInt16LittleEndian(_buffer.Slice(_position, 2));
        _position += 2;
        return true;
    }

    /// <summary>Reads a little-endian uint32; false when truncated.</summary>
    public bool TryReadUInt32(out uint value)
    {
        if (Remaining < 4)
        {
            value = 0;
            return false;
        }

        value = BinaryPrimitives.ReadUInt32LittleEndian(_buffer.Slice(_position, 4));
        _position += 4;
        return true;
    }

    /// <summary>Reads <paramref name="length"/> bytes as a view of the buffer; false when fewer remain.</summary>
    public bool TryReadFixed(int length, out ReadOnlySpan<byte> value)
    {
        if (Remaining < length)
        {
            value = default;
            return false;
        }

        value = _buffer.Slice(_position, length);
        _position += length;
        return true;
    }

    /// <summary>Reads 32 bytes (an id, key or hash); false when fewer remain.</summary>
    public bool TryReadFixed32(out ReadOnlySpan<byte> value) => TryReadFixed(32, out value);

    /// <summary>A varint length followed by that many bytes (a length of 0 is an empty buffer).</summary>
    public bool TryReadBuffer(out ReadOnlySpan<byte> value)
    {
        value = default;
        if (!TryReadVarint(out var length) || length > (ulong)Remaining)
        {
            return false;
        }

        return TryReadFixed((int)length, out value);
    }

    /// <summary>Reads a 6-byte IPv4 address and port; false when fewer remain.</summary>
    public bool TryReadIpv4(out Ipv4Endpoint endpoint)
    {
        if (!TryReadFixed(Ipv4Endpoint.EncodedSize, out var bytes))
        {
            endpoint = default;
            return false;
        }

        endpoint = Ipv4Endpoint.Read(bytes);
        return true;
    }

    /// <summary>A varint count then count 6-byte addresses; returns the raw address bytes.</summary>
    public bool TryReadIpv4Array(out ReadOnlySpan<byte> raw, out int count)
    {
        raw = default;
        count = 0;
        if (!TryReadVarint(out var n) || n > MaxArrayLength)
        {
            return false;
        }

        var bytes = (long)n * Ipv4Endpoint.EncodedSize;
        if (bytes > Remaining)
        {
            return false;
        }

        count = (int)n;
        return TryReadFixed((int)bytes, out raw);
    }
}
