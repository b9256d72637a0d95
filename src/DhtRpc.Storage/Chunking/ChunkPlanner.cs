using System.Security.Cryptography;
using DhtRpc.Wire;

namespace DhtRpc.Storage.Chunking;

/// <summary>One block to store: its key is SHA-256 of its bytes.</summary>
public readonly record struct PlannedBlock(NodeId Key, ReadOnlyMemory<byte> Bytes);

/// <summary>
/// What to store for one value: the key a reader starts from and every distinct block.
/// Data blocks are slices of the planned value, so the value must not change while the plan is used.
/// </summary>
public sealed class BlockPlan
{
    internal BlockPlan(NodeId rootKey, IReadOnlyList<PlannedBlock> blocks, int rootLevel)
    {
        RootKey = rootKey;
        Blocks = blocks;
        RootLevel = rootLevel;
    }

    /// <summary>SHA-256 of the value when it is one raw block, else the key of the root manifest.</summary>
    public NodeId RootKey { get; }

    /// <summary>Distinct blocks (data chunks and manifests), each key once; the root block is last.</summary>
    public IReadOnlyList<PlannedBlock> Blocks { get; }

    /// <summary>-1 for a raw block, else the level of the root manifest.</summary>
    public int RootLevel { get; }

    /// <summary>True when the value was cut into chunks under a manifest tree, false when it is one raw block.</summary>
    public bool IsChunked => RootLevel >= 0;
}

/// <summary>Splits a value into content-addressed blocks (format: <see cref="ChunkManifest"/>).</summary>
public static class ChunkPlanner
{
    /// <summary>
    /// Plans the blocks for <paramref name="value"/>. The value is one raw block when it fits
    /// <paramref name="blockSize"/> and does not start with "DHTM"; otherwise it is cut into chunks of
    /// <paramref name="blockSize"/> bytes under a tree of manifests, each at most
    /// <paramref name="blockSize"/> bytes. Identical chunks (and identical manifests) share one block.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="blockSize"/> is below <see cref="ChunkManifest.MinBlockSize"/>, or the value
    /// would need a tree deeper than <see cref="ChunkManifest.MaxLevel"/>.
    /// </exception>
    public static BlockPlan Plan(ReadOnlyMemory<byte> value, int blockSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, ChunkManifest.MinBlockSize);
        var bytes = value.Span;
        if (bytes.Length <= blockSize && !ChunkManifest.HasMagic(bytes))
        {
            var key = Hash(bytes);
            return new BlockPlan(key, [new PlannedBlock(key, value)], -1);
        }

        var rootLevel = ChunkManifest.LevelFor(bytes.Length, blockSize);
        if (rootLevel < 0)
        {
            throw new ArgumentOutOfRangeException(
                nameof(value),
                $"A value of {bytes.Length} bytes needs more than {ChunkManifest.MaxLevel + 1} manifest levels with block size {blockSize}.");
        }

        var blocks = new List<PlannedBlock>();
        var seen = new HashSet<NodeId>();
        void Add(NodeId key, ReadOnlyMemory<byte> block)
        {
            if (seen.Add(key))
            {
                blocks.Add(new PlannedBlock(key, block));
            }
        }

        var keys = new List<NodeId>((bytes.Length / blockSize) + 1);
        for (var offset = 0; offset < bytes.Length; offset += blockSize)
        {
            var chunk = value.Slice(offset, Math.Min(blockSize, bytes.Length - offset));
            var key = Hash(chunk.Span);
            keys.Add(key);
            Add(key, chunk);
        }

        var fanOut = ChunkManifest.FanOut(blockSize);
        for (var level = 0; level <= rootLevel; level++)
        {
            var span = ChunkManifest.FullSpan(blockSize, level);
            var parents = new List<NodeId>((keys.Count / fanOut) + 1);
            for (var first = 0; first < keys.Count; first += fanOut)
            {
                var start = (first / fanOut) * span;
                var length = (int)Math.Min(span, bytes.Length - start);
                var children = keys.GetRange(first, Math.Min(fanOut, keys.Count - first));
                var manifest = new ChunkManifest(level, length, Hash(bytes.Slice((int)start, length)), blockSize, children);
                var encoded = manifest.Encode();
                var key = Hash(encoded);
                parents.Add(key);
                Add(key, encoded);
            }

            keys = parents;
        }

        return new BlockPlan(keys[0], blocks, rootLevel);
    }

    private static NodeId Hash(ReadOnlySpan<byte> bytes)
    {
        Span<byte> digest = stackalloc byte[NodeId.Size];
        SHA256.HashData(bytes, digest);
        return NodeId.Read(digest);
    }
}
