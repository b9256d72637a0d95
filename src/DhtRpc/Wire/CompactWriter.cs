using System.Buffers.Binary;

namespace DhtRpc.Wire;

/// <summary>Writes compact-encoding primitives into a caller-sized span.</summary>
public ref struct CompactWriter
{
    private readonly Span<byte> _buffer;
    private int _position;

    /// <summary>Writes into <paramref name="buffer"/> from its first byte; the caller sizes it (see <see cref="VarintSize"/>).</summary>
    public CompactWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
    }

    /// <summary>Bytes written so far.</summary>
    public readonly int Position => _position;

    /// <summary>How many bytes <see cref="WriteVarint"/> takes for <paramref name="value"/>.</summary>
    public static int VarintSize(ulong value) => value switch
    {
        <= 0xFC => 1,
        <= 0xFFFF => 3,
        <= 0xFFFFFFFF => 5,
        _ => 9,
    };

    /// <summary>How many bytes <see cref="WriteBuffer"/> takes for <paramref name="length"/> bytes.</summary>
    public static int BufferSize(int length) => VarintSize((ulong)length) + length;

    /// <summary>Writes one byte.</summary>
    public void WriteByte(byte value) => _buffer[_position++] = value;

    /// <summary>Writes a compact-encoding uint (1, 3, 5 or 9 bytes).</summary>
    public void WriteVarint(ulong value)
    {
        if (value <= 0xFC)
        {
            _buffer[_position++] = (byte)value;
        }
        else if (value <= 0xFFFF)
        {
            _buffer[_position++] = 0xFD;
            WriteUInt16((ushort)value);
        }
        else if (value <= 0xFFFFFFFF)
        {
            _buffer[_position++] = 0xFE;
            WriteUInt32((uint)value);
        }
        else
        {
            _buffer[_position++] = 0xFF;
            BinaryPrimitives.WriteUInt64LittleEndian(_buffer.Slice(_position, 8), value);
            _position += 8;
        }
    }

    /// <summary>Writes a little-endian uint16.</summary>
    public void WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.Slice(_position, 2), value);
        _position += 2;
    }

    /// <summary>Writes a little-endian uint32.</summary>
    public void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.Slice(_position, 4), value);
        _position += 4;
    }

    /// <summary>Writes the bytes as they are, with no length.</summary>
    public void WriteFixed(ReadOnlySpan<byte> value)
    {
        value.CopyTo(_buffer[_position..]);
        _position += value.Length;
    }

    /// <summary>Writes a 32-byte id.</summary>
    public void WriteNodeId(in NodeId id)
    {
        id.WriteTo(_buffer.Slice(_position, NodeId.Size));
        _position += NodeId.Size;
    }

    /// <summary>Writes a length (uint) and the bytes.</summary>
    public void WriteBuffer(ReadOnlySpan<byte> value)
    {
        WriteVarint((ulong)value.Length);
        WriteFixed(value);
    }

    /// <summary>Writes a 6-byte IPv4 address and port.</summary>
    public void WriteIpv4(in Ipv4Endpoint endpoint)
    {
        endpoint.WriteTo(_buffer.Slice(_position, Ipv4Endpoint.EncodedSize));
        _position += Ipv4Endpoint.EncodedSize;
    }

    /// <summary>Writes a count (uint) and the addresses.</summary>
    public void WriteIpv4Array(ReadOnlySpan<Ipv4Endpoint> endpoints)
    {
        WriteVarint((ulong)endpoints.Length);
        foreach (var endpoint in endpoints)
        {
            WriteIpv4(endpoint);
        }
    }
}
