using System.Buffers.Binary;
using System.Numerics;

namespace DhtRpc.Wire;

/// <summary>
/// A 32-byte Kademlia id (node id or query target), held as four big-endian words so that
/// comparison, XOR distance and common-prefix length are a few integer operations.
/// </summary>
public readonly struct NodeId : IEquatable<NodeId>, IComparable<NodeId>
{
    /// <summary>Bytes in an id.</summary>
    public const int Size = 32;

    private readonly ulong _w0;
    private readonly ulong _w1;
    private readonly ulong _w2;
    private readonly ulong _w3;

    private NodeId(ulong w0, ulong w1, ulong w2, ulong w3)
    {
        _w0 = w0;
        _w1 = w1;
        _w2 = w2;
        _w3 = w3;
    }

    /// <summary>Reads an id from its first 32 bytes.</summary>
    public static NodeId Read(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < Size)
        {
            throw new ArgumentException("A node id is 32 bytes.", nameof(bytes));
        }

        return new NodeId(
            BinaryPrimitives.ReadUInt64BigEndian(bytes),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]),
            BinaryPrimitives.ReadUInt64BigEndian(bytes[24..]));
    }

    /// <summary>Parses 64 hexadecimal characters.</summary>
    public static NodeId Parse(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        if (hex.Length != Size * 2)
        {
            throw new FormatException("A node id is 64 hexadecimal characters.");
        }

        return Read(Convert.FromHexString(hex));
    }

    /// <summary>Parses 64 hexadecimal characters; false when the text is not an id.</summary>
    public static bool TryParse(string? hex, out NodeId id)
    {
        id = default;
        if (hex is null || hex.Length != Size * 2)
        {
            return false;
        }

        Span<byte> buffer = stackalloc byte[Size];
        if (Convert.FromHexString(hex, buffer, out _, out var written) != System.Buffers.OperationStatus.Done || written != Size)
        {
            return false;
        }

        id = Read(buffer);
        return true;
    }

    /// <summary>A random id from the system's cryptographic generator.</summary>
    public static NodeId Random()
    {
        Span<byte> bytes = stackalloc byte[Size];
        System.Security.Cryptography.RandomNumberGenerator.Fill(bytes);
        return Read(bytes);
    }

    /// <summary>Writes the 32 bytes.</summary>
    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _w0);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _w1);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], _w2);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], _w3);
    }

    /// <summary>The 32 bytes as a new array.</summary>
    public byte[] ToArray()
    {
        var bytes = new byte[Size];
        WriteTo(bytes);
        return bytes;
    }

    /// <summary>Number of leading bits shared with <paramref name="other"/> (256 when equal).</summary>
    public int CommonPrefixLength(in NodeId other)
    {
        var x = _w0 ^ other._w0;
        if (x != 0)
        {
            return BitOperations.LeadingZeroCount(x);
        }

        x = _w1 ^ other._w1;
        if (x != 0)
        {
            return 64 + BitOperations.LeadingZeroCount(x);
        }

        x = _w2 ^ other._w2;
        if (x != 0)
        {
            return 128 + BitOperations.LeadingZeroCount(x);
        }

        x = _w3 ^ other._w3;
        return x != 0 ? 192 + BitOperations.LeadingZeroCount(x) : 256;
    }

    /// <summary>
    /// Compares the XOR distances of <paramref name="a"/> and <paramref name="b"/> to this id:
    /// negative when <paramref name="a"/> is closer.
    /// </summary>
    public int CompareDistance(in NodeId a, in NodeId b)
    {
        var c = (a._w0 ^ _w0).CompareTo(b._w0 ^ _w0);
        if (c != 0)
        {
            return c;
        }

        c = (a._w1 ^ _w1).CompareTo(b._w1 ^ _w1);
        if (c != 0)
        {
            return c;
        }

        c = (a._w2 ^ _w2).CompareTo(b._w2 ^ _w2);
        return c != 0 ? c : (a._w3 ^ _w3).CompareTo(b._w3 ^ _w3);
    }

    /// <inheritdoc/>
    public bool Equals(NodeId other) =>
        _w0 == other._w0 && _w1 == other._w1 && _w2 == other._w2 && _w3 == other._w3;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is NodeId other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_w0, _w1, _w2, _w3);

    /// <summary>Plain lexicographic byte order (the order rows of the routing table keep).</summary>
    public int CompareTo(NodeId other)
    {
        var c = _w0.CompareTo(other._w0);
        if (c != 0)
        {
            return c;
        }

        c = _w1.CompareTo(other._w1);
        if (c != 0)
        {
            return c;
        }

        c = _w2.CompareTo(other._w2);
        return c != 0 ? c : _w3.CompareTo(other._w3);
    }

    /// <summary>The id as 64 lowercase hexadecimal characters.</summary>
    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[Size];
        WriteTo(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    /// <summary>Same bytes.</summary>
    public static bool operator ==(NodeId left, NodeId right) => left.Equals(right);

    /// <summary>Different bytes.</summary>
    public static bool operator !=(NodeId left, NodeId right) => !left.Equals(right);

    /// <summary>Byte-wise order (as big-endian numbers).</summary>
    public static bool operator <(NodeId left, NodeId right) => left.CompareTo(right) < 0;

    /// <summary>Byte-wise order (as big-endian numbers).</summary>
    public static bool operator >(NodeId left, NodeId right) => left.CompareTo(right) > 0;

    /// <summary>Byte-wise order (as big-endian numbers).</summary>
    public static bool operator <=(NodeId left, NodeId right) => left.CompareTo(right) <= 0;

    /// <summary>Byte-wise order (as big-endian numbers).</summary>
    public static bool operator >=(NodeId left, NodeId right) => left.CompareTo(right) >= 0;
}
