using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using DhtRpc.Wire;

namespace DhtRpc.Hostile;

/// <summary>
/// The warehouse items a storage scenario writes, numbered from 0: item i's key is sha256(tag ‖ i) and
/// its value, of a fixed size, a seeded random block with i in its first eight bytes, so that a reader
/// can tell each item's value from every other's without keeping them.
/// </summary>
internal sealed class StorageItems
{
    private readonly byte[] _tag;
    private readonly byte[] _block;

    public StorageItems(string tag, int valueBytes, int seed = 7)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(valueBytes, 1);
        _tag = System.Text.Encoding.UTF8.GetBytes(tag);
        _block = new byte[valueBytes];
        new Random(seed).NextBytes(_block);
        ValueBytes = valueBytes;
    }

    public int ValueBytes { get; }

    public byte[] Key(long index)
    {
        Span<byte> input = stackalloc byte[_tag.Length + 8];
        _tag.CopyTo(input);
        BinaryPrimitives.WriteInt64LittleEndian(input[_tag.Length..], index);
        return SHA256.HashData(input);
    }

    public byte[] Value(long index)
    {
        var value = (byte[])_block.Clone();
        Span<byte> stamp = stackalloc byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(stamp, index);
        stamp[..Math.Min(8, value.Length)].CopyTo(value);
        return value;
    }

    /// <summary>
    /// A warehouse STORE (100) of item <paramref name="index"/> with <paramref name="token"/>: the header
    /// built by <see cref="Packets.Request"/> without a value, then the value flag set and the value
    /// appended (it is the datagram's last field), so that a 60,000-byte value is copied once, not byte by byte.
    /// </summary>
    public byte[] StoreDatagram(ushort tid, Ipv4Endpoint node, long index, ReadOnlySpan<byte> token) =>
        WithValue(Packets.Request(tid, node, WarehouseCommands.Store, isInternal: false, target: Key(index), token: token), Value(index));

    /// <summary>Appends a value field to a request that has none (flags byte and all).</summary>
    public static byte[] WithValue(byte[] header, byte[] value)
    {
        var lengthBytes = value.Length <= 0xFC ? 1 : value.Length <= 0xFFFF ? 3 : 5;
        var datagram = new byte[header.Length + lengthBytes + value.Length];
        header.CopyTo(datagram, 0);
        datagram[1] |= Packets.RequestValue;
        var at = header.Length;
        if (lengthBytes == 1)
        {
            datagram[at] = (byte)value.Length;
        }
        else if (lengthBytes == 3)
        {
            datagram[at] = 0xFD;
            BinaryPrimitives.WriteUInt16LittleEndian(datagram.AsSpan(at + 1), (ushort)value.Length);
        }
        else
        {
            datagram[at] = 0xFE;
            BinaryPrimitives.WriteUInt32LittleEndian(datagram.AsSpan(at + 1), (uint)value.Length);
        }

        value.CopyTo(datagram, at + lengthBytes);
        return datagram;
    }

    /// <summary>127.0.B.C for the <paramref name="count"/> addresses from 127.0.<paramref name="third"/>.1 on (255 a /24, then the next).</summary>
    public static IReadOnlyList<IPAddress> Sources(int third, int count) =>
        [.. Enumerable.Range(0, count).Select(i => new IPAddress([127, 0, (byte)(third + (i / 254)), (byte)(1 + (i % 254))]))];
}

/// <summary>The warehouse's command numbers and error codes (src/DhtRpc.Storage/Protocol/StorageCommands.cs), as the wire carries them.</summary>
internal static class WarehouseCommands
{
    public const ulong Store = 100;
    public const ulong Get = 101;
    public const ulong List = 102;
    public const ulong Info = 107;

    public const ulong InvalidToken = 2;

    /// <summary>The name of a reply's error code, for the report's tables.</summary>
    public static string Name(ulong code) => code switch
    {
        0 => "0 (stored)",
        1 => "1 UNKNOWN_COMMAND",
        2 => "2 INVALID_TOKEN",
        15 => "15 TOKEN_REQUIRED",
        17 => "17 VALUE_TOO_LARGE",
        18 => "18 STORAGE_FULL",
        19 => "19 NOT_OWNER",
        21 => "21 MALFORMED",
        25 => "25 QUOTA_EXCEEDED",
        26 => "26 BUSY",
        27 => "27 STORE_FAILED",
        _ => $"{code}",
    };
}
