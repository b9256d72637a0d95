using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using DhtRpc.Wire;

namespace DhtRpc.Storage.Chunking;

/// <summary>
/// One manifest block of a chunked value. Binary layout (version 1, all integers little-endian):
/// <code>
/// offset size  field
///      0    4  magic "DHTM" (0x44 0x48 0x54 0x4D)
///      4    1  version = 1
///      5    1  level: 0 = children are data chunks, n = children are level n-1 manifests (at most 8)
///      6    8  total size: bytes of the value this manifest describes (uint64)
///     14   32  SHA-256 of those bytes
///     46    4  chunk size C (uint32) = the block size limit the writer used
///     50    4  child count (uint32)
///     54  32×n child keys (SHA-256 of each child block), in value order
/// </code>
/// The root manifest describes the whole value; an inner manifest describes the contiguous span of
/// the value its subtree covers. The fan-out is derived from C: F = floor((C − 54) / 32), the most
/// child keys that keep a manifest within C bytes. The tree shape is therefore fixed by the total
/// size and C alone: a full level-0 manifest covers C·F bytes, a full level-n manifest C·F^(n+1);
/// every child but the last of a manifest is full; the root has the lowest level whose span holds
/// the value. <see cref="TryParse"/> checks a block's own fields; the reader checks each manifest
/// against the span its position in the tree requires.
/// </summary>
public sealed class ChunkManifest
{
    /// <summary>The four magic bytes "DHTM".</summary>
    public static ReadOnlySpan<byte> Magic => "DHTM"u8;

    /// <summary>The manifest format version this code writes and reads.</summary>
    public const byte FormatVersion = 1;

    /// <summary>Bytes before the child keys.</summary>
    public const int HeaderSize = 54;

    /// <summary>The highest level a manifest may have (a tree is at most nine manifests deep).</summary>
    public const int MaxLevel = 8;

    /// <summary>The smallest block size limit that allows a fan-out of two.</summary>
    public const int MinBlockSize = HeaderSize + (2 * NodeId.Size);

    private const int VersionOffset = 4;
    private const int LevelOffset = 5;
    private const int TotalSizeOffset = 6;
    private const int HashOffset = 14;
    private const int ChunkSizeOffset = 46;
    private const int CountOffset = 50;

    private readonly NodeId[] _children;

    /// <summary>A manifest of <paramref name="level"/> over <paramref name="totalSize"/> bytes hashing to <paramref name="valueHash"/>, cut in chunks of <paramref name="chunkSize"/>, with 1 to <see cref="FanOut"/> children.</summary>
    public ChunkManifest(int level, long totalSize, NodeId valueHash, int chunkSize, IReadOnlyList<NodeId> children)
    {
        ArgumentNullException.ThrowIfNull(children);
        ArgumentOutOfRangeException.ThrowIfNegative(level);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, MaxLevel);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(totalSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, MinBlockSize);
        if (children.Count == 0 || children.Count > FanOut(chunkSize))
        {
            throw new ArgumentException($"A manifest with chunk size {chunkSize} holds 1 to {FanOut(chunkSize)} children.", nameof(children));
        }

        Level = level;
        TotalSize = totalSize;
        ValueHash = valueHash;
        ChunkSize = chunkSize;
        _children = [.. children];
    }

    private ChunkManifest(int level, long totalSize, NodeId valueHash, int chunkSize, NodeId[] children)
    {
        Level = level;
        TotalSize = totalSize;
        ValueHash = valueHash;
        ChunkSize = chunkSize;
        _children = children;
    }

    /// <summary>Height in the tree: 0 when the children are data chunks, else one more than the children's level.</summary>
    public int Level { get; }

    /// <summary>Bytes of the value (or of the span) this manifest describes; at least one.</summary>
    public long TotalSize { get; }

    /// <summary>SHA-256 of the bytes this manifest describes.</summary>
    public NodeId ValueHash { get; }

    /// <summary>Data chunk size, equal to the block size limit the writer used.</summary>
    public int ChunkSize { get; }

    /// <summary>Keys of the children in value order: data chunks at level 0, manifests above.</summary>
    public IReadOnlyList<NodeId> Children => _children;

    /// <summary>Bytes of the encoded manifest: the header plus 32 per child.</summary>
    public int EncodedLength => HeaderSize + (_children.Length * NodeId.Size);

    /// <summary>Child keys per manifest for a block size limit: floor((blockSize − 54) / 32).</summary>
    public static int FanOut(int blockSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, MinBlockSize);
        return (blockSize - HeaderSize) / NodeId.Size;
    }

    /// <summary>True when <paramref name="block"/> begins with the manifest magic.</summary>
    public static bool HasMagic(ReadOnlySpan<byte> block) => block.StartsWith(Magic);

    /// <summary>The manifest block: header fields at fixed offsets, then the child keys.</summary>
    public byte[] Encode()
    {
        var bytes = new byte[EncodedLength];
        Magic.CopyTo(bytes);
        bytes[VersionOffset] = FormatVersion;
        bytes[LevelOffset] = (byte)Level;
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(TotalSizeOffset), (ulong)TotalSize);
        ValueHash.WriteTo(bytes.AsSpan(HashOffset));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(ChunkSizeOffset), (uint)ChunkSize);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(CountOffset), (uint)_children.Length);
        for (var i = 0; i < _children.Length; i++)
        {
            _children[i].WriteTo(bytes.AsSpan(HeaderSize + (i * NodeId.Size)));
        }

        return bytes;
    }

    /// <summary>
    /// Parses a manifest block strictly: exact length, known version, level at most
    /// <see cref="MaxLevel"/>, total size in 1..long.MaxValue, chunk size in
    /// <see cref="MinBlockSize"/>..int.MaxValue, 1..F children, and a level-0 child count equal to
    /// ceil(total / chunk size). Never throws; <paramref name="error"/> says what is wrong.
    /// </summary>
    public static bool TryParse(
        ReadOnlySpan<byte> block,
        [NotNullWhen(true)] out ChunkManifest? manifest,
        [NotNullWhen(false)] out string? error)
    {
        manifest = null;
        if (block.Length < HeaderSize || !HasMagic(block))
        {
            error = block.Length < HeaderSize && HasMagic(block)
                ? $"manifest is {block.Length} bytes, shorter than its {HeaderSize}-byte header"
                : "block does not start with the manifest magic";
            return false;
        }

        if (block[VersionOffset] != FormatVersion)
        {
            error = $"unsupported manifest version {block[VersionOffset]}";
            return false;
        }

        int level = block[LevelOffset];
        if (level > MaxLevel)
        {
            error = $"manifest level {level} is deeper than the limit of {MaxLevel}";
            return false;
        }

        var total = BinaryPrimitives.ReadUInt64LittleEndian(block[TotalSizeOffset..]);
        if (total == 0 || total > long.MaxValue)
        {
            error = $"manifest total size {total} is out of range";
            return false;
        }

        var chunkSize = BinaryPrimitives.ReadUInt32LittleEndian(block[ChunkSizeOffset..]);
        if (chunkSize < MinBlockSize || chunkSize > int.MaxValue)
        {
            error = $"manifest chunk size {chunkSize} is out of range";
            return false;
        }

        var count = BinaryPrimitives.ReadUInt32LittleEndian(block[CountOffset..]);
        var fanOut = FanOut((int)chunkSize);
        if (count == 0 || count > (uint)fanOut)
        {
            error = $"manifest child count {count} is outside 1..{fanOut} for chunk size {chunkSize}";
            return false;
        }

        if ((ulong)block.Length != HeaderSize + ((ulong)count * NodeId.Size))
        {
            error = $"manifest is {block.Length} bytes but declares {count} children";
            return false;
        }

        if (level == 0 && ((total - 1) / chunkSize) + 1 != count)
        {
            error = $"level-0 manifest declares {count} chunks for {total} bytes in chunks of {chunkSize}";
            return false;
        }

        var children = new NodeId[count];
        for (var i = 0; i < children.Length; i++)
        {
            children[i] = NodeId.Read(block.Slice(HeaderSize + (i * NodeId.Size), NodeId.Size));
        }

        manifest = new ChunkManifest(level, (long)total, NodeId.Read(block.Slice(HashOffset, NodeId.Size)), (int)chunkSize, children);
        error = null;
        return true;
    }

    /// <summary>
    /// Bytes covered by a full manifest of <paramref name="level"/>: C·F^(level+1), saturating at
    /// <see cref="long.MaxValue"/>.
    /// </summary>
    public static long FullSpan(int chunkSize, int level)
    {
        var fanOut = FanOut(chunkSize);
        long span = chunkSize;
        for (var i = 0; i <= level; i++)
        {
            span = span > long.MaxValue / fanOut ? long.MaxValue : span * fanOut;
        }

        return span;
    }

    /// <summary>Bytes covered by one child of a level-<paramref name="level"/> manifest when full.</summary>
    public static long ChildSpan(int chunkSize, int level) => level == 0 ? chunkSize : FullSpan(chunkSize, level - 1);

    /// <summary>The lowest level whose full span holds <paramref name="totalSize"/> bytes, or -1 beyond <see cref="MaxLevel"/>.</summary>
    public static int LevelFor(long totalSize, int chunkSize)
    {
        for (var level = 0; level <= MaxLevel; level++)
        {
            if (totalSize <= FullSpan(chunkSize, level))
            {
                return level;
            }
        }

        return -1;
    }
}
