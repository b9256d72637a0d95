using System.Buffers.Binary;

namespace DhtRpc.Wire;

/// <summary>Writes compact-encoding primitives into a caller-sized span.</summary>
internal ref struct CompactWriter
{
    private readonly Span<byte> _buffer;
    private int _position;

    public CompactWriter(Span<byte> buffer)
    {
        _buffer = buffer;
        _position = 0;
    }

    public readonly int Position => _position;

    public static int VarintSize(ulong value) => value switch
    {
        <= 0xFC => 1,
        <= 0xFFFF => 3,
        <= 0xFFFFFFFF => 5,
        _ => 9,
    };

    public static int BufferSize(int length) => VarintSize((ulong)length) + length;

    public void WriteByte(byte value) => _buffer[_position++] = value;

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

    public void WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer.Slice(_position, 2), value);
        _position += 2;
    }

    public void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.Slice(_position, 4), value);
        _position += 4;
    }

    public void WriteFixed(ReadOnlySpan<byte> value)
    {
        value.CopyTo(_buffer[_position..]);
        _position += value.Length;
    }

    public void WriteNodeId(in NodeId id)
    {
        id.WriteTo(_buffer.Slice(_position, NodeId.Size));
        _position += NodeId.Size;
    }

    public void WriteBuffer(ReadOnlySpan<byte> value)
    {
        WriteVarint((ulong)value.Length);
        WriteFixed(value);
    }

    public void WriteIpv4(in Ipv4Endpoint endpoint)
    {
        endpoint.WriteTo(_buffer.Slice(_position, Ipv4Endpoint.EncodedSize));
        _position += Ipv4Endpoint.EncodedSize;
    }

    public void WriteIpv4Array(ReadOnlySpan<Ipv4Endpoint> endpoints)
    {
        WriteVarint((ulong)endpoints.Length);
        foreach (var endpoint in endpoints)
        {
            WriteIpv4(endpoint);
        }
    }
}
