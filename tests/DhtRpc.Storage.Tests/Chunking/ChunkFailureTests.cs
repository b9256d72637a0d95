using System.Buffers.Binary;
using DhtRpc.Wire;
using DhtRpc.Storage.Chunking;

namespace DhtRpc.Storage.Tests.Chunking;

public sealed class ChunkFailureTests
{
    private const int BlockSize = 1024;

    // 100,000 bytes in chunks of 1024: 98 chunks under 4 level-0 manifests (fan-out 30) and a level-1 root.
    private static readonly byte[] Value = ChunkRoundTripTests.RandomBytes(100_000, seed: 42);
    private static readonly BlockPlan Plan = ChunkPlanner.Plan(Value, BlockSize);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void The_sample_tree_has_the_expected_shape()
    {
        Assert.Equal(1, Plan.RootLevel);
        Assert.Equal(4, RootManifest().Children.Count);
        Assert.Equal(98 + 4 + 1, Plan.Blocks.Count);
    }

    [Fact]
    public async Task A_corrupted_data_chunk_is_named()
    {
        var source = BlockSource.From(Plan);
        var leaf = Manifest(source, RootManifest().Children[2]);
        var chunkKey = leaf.Children[5];
        var corrupted = source.Peek(chunkKey)!.ToArray();
        corrupted[100] ^= 0x01;
        source.PutAt(chunkKey, corrupted);

        var error = await Assert.ThrowsAsync<ContentVerificationException>(() => FetchAsync(source, Plan.RootKey));
        Assert.Equal(chunkKey, error.Key);
        Assert.Contains(chunkKey.ToString(), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_corrupted_root_or_manifest_is_named()
    {
        var source = BlockSource.From(Plan);
        var root = source.Peek(Plan.RootKey)!.ToArray();
        root[^1] ^= 0x80;
        source.PutAt(Plan.RootKey, root);
        var error = await Assert.ThrowsAsync<ContentVerificationException>(() => FetchAsync(source, Plan.RootKey));
        Assert.Equal(Plan.RootKey, error.Key);

        source = BlockSource.From(Plan);
        var leafKey = RootManifest().Children[1];
        var leaf = source.Peek(leafKey)!.ToArray();
        leaf[60] ^= 0x01;
        source.PutAt(leafKey, leaf);
        error = await Assert.ThrowsAsync<ContentVerificationException>(() => FetchAsync(source, Plan.RootKey));
        Assert.Equal(leafKey, error.Key);
    }

    [Fact]
    public async Task A_raw_block_that_does_not_match_its_key_is_rejected()
    {
        var source = new BlockSource();
        var key = BlockSource.Hash("hello"u8);
        source.PutAt(key, "hellO"u8.ToArray());
        var error = await Assert.ThrowsAsync<ContentVerificationException>(() => FetchAsync(source, key));
        Assert.Equal(key, error.Key);
    }

    [Fact]
    public async Task A_missing_data_chunk_is_named_with_the_blocks_fetched()
    {
        var source = BlockSource.From(Plan);
        var chunkKey = Manifest(source, RootManifest().Children[3]).Children[0];
        Assert.True(source.Remove(chunkKey));

        var error = await Assert.ThrowsAsync<ContentNotFoundException>(() => FetchAsync(source, Plan.RootKey));
        Assert.Equal(chunkKey, error.MissingKey);
        Assert.InRange(error.FetchedBlocks, 5, Plan.Blocks.Count - 1);
        Assert.Contains(chunkKey.ToString(), error.Message, StringComparison.Ordinal);
        Assert.Contains($"{error.FetchedBlocks} blocks", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_manifest_is_named()
    {
        var source = BlockSource.From(Plan);
        var leafKey = RootManifest().Children[0];
        Assert.True(source.Remove(leafKey));

        var error = await Assert.ThrowsAsync<ContentNotFoundException>(() => FetchAsync(source, Plan.RootKey));
        Assert.Equal(leafKey, error.MissingKey);
        Assert.InRange(error.FetchedBlocks, 1, 4);
    }

    public static TheoryData<string> RootTampers => new()
    {
        "total+1", "total-1", "total*2", "total=0", "total=max", "hash", "chunk-size+1", "chunk-size-1", "chunk-size=117",
        "count+1", "count-1", "count=0", "drop-last-key", "add-key", "level^1", "level=2", "level=9", "version=0", "version=2",
        "swap-children", "repeat-child", "truncated-header",
    };

    [Theory]
    [MemberData(nameof(RootTampers))]
    public async Task Tampered_root_fields_are_rejected(string tamper)
    {
        var source = BlockSource.From(Plan);
        var bytes = Tamper(source.Peek(Plan.RootKey)!, tamper);
        var key = source.Put(bytes);

        var error = await Assert.ThrowsAsync<ContentVerificationException>(() => FetchAsync(source, key));
        Assert.NotNull(error.Key);
    }

    [Theory]
    [MemberData(nameof(RootTampers))]
    public async Task Tampered_inner_manifests_are_rejected(string tamper)
    {
        var source = BlockSource.From(Plan);
        var root = RootManifest();
        var position = tamper.Length % root.Children.Count;
        var bytes = Tamper(source.Peek(root.Children[position])!, tamper);
        var rootKey = ReplaceChild(source, root, position, source.Put(bytes));

        await Assert.ThrowsAsync<ContentVerificationException>(() => FetchAsync(source, rootKey));
    }

    [Fact]
    public async Task An_inner_hash_that_does_not_match_its_span_is_named()
    {
        var source = BlockSource.From(Plan);
        var root = RootManifest();
        var leaf = Manifest(source, root.Children[1]);
        var wrong = new ChunkManifest(0, leaf.TotalSize, BlockSource.Hash([1]), leaf.ChunkSize, leaf.Children);
        var wrongKey = source.Put(wrong.Encode());
        var rootKey = ReplaceChild(source, root, 1, wrongKey);

        var error = await Assert.ThrowsAsync<ContentVerificationException>(() => FetchAsync(source, rootKey));
        Assert.Equal(wrongKey, error.Key);
        Assert.Contains("SHA-256", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_root_hash_that_does_not_match_the_value_is_named()
    {
        var source = BlockSource.From(Plan);
        var root = RootManifest();
        var wrong = new ChunkManifest(root.Level, root.TotalSize, BlockSource.Hash([2]), root.ChunkSize, root.Children);
        var key = source.Put(wrong.Encode());

        var error = await Assert.ThrowsAsync<ContentVerificationException>(() => FetchAsync(source, key));
        Assert.Equal(key, error.Key);
    }

    [Fact]
    public async Task A_chunk_of_the_wrong_length_is_rejected_even_when_its_hash_matches()
    {
        var value = ChunkRoundTripTests.RandomBytes(2000, seed: 5);
        var source = new BlockSource();
        var first = source.Put(value[..BlockSize]);
        var shortLast = source.Put(value[BlockSize..1500]);
        var root = new ChunkManifest(0, value.Length, BlockSource.Hash(value), BlockSize, [first, shortLast]);
        var rootKey = source.Put(root.Encode());

        var error = await Assert.ThrowsAsync<ContentVerificationException>(() => FetchAsync(source, rootKey));
        Assert.Equal(shortLast, error.Key);

        // The same chunk key at a full position and at the shorter last position cannot both fit.
        var twice = new ChunkManifest(0, 2000, BlockSource.Hash(value), BlockSize, [first, first]);
        rootKey = source.Put(twice.Encode());
        await Assert.ThrowsAsync<ContentVerificationException>(() => FetchAsync(source, rootKey));
    }

    [Fact]
    public async Task Values_over_the_cap_are_rejected_before_their_chunks_are_fetched()
    {
        var options = new FetchOptions { MaxTotalSize = Value.Length - 1 };
        var source = BlockSource.From(Plan);
        var error = await Assert.ThrowsAsync<ContentVerificationException>(
            () => ChunkAssembler.FetchAsync(Plan.RootKey, source.FetchAsync, options, Ct));
        Assert.Equal(Plan.RootKey, error.Key);
        Assert.Equal(1, source.Fetches);

        var raw = ChunkPlanner.Plan(new byte[100], BlockSize);
        source = BlockSource.From(raw);
        await Assert.ThrowsAsync<ContentVerificationException>(
            () => ChunkAssembler.FetchAsync(raw.RootKey, source.FetchAsync, new FetchOptions { MaxTotalSize = 99 }, Ct));
        Assert.Equal(new byte[100], await ChunkAssembler.FetchAsync(raw.RootKey, source.FetchAsync, new FetchOptions { MaxTotalSize = 100 }, Ct));
    }

    [Fact]
    public async Task A_failing_fetch_propagates_after_the_other_fetches_finish()
    {
        var source = BlockSource.From(Plan);
        source.YieldsPerFetch = 2;
        var failOn = Manifest(source, RootManifest().Children[1]).Children[7];
        var calls = 0;
        async Task<byte[]?> FailingFetchAsync(NodeId key, CancellationToken ct)
        {
            calls++;
            var bytes = await source.FetchAsync(key, ct);
            return key == failOn ? throw new InvalidOperationException("network down") : bytes;
        }

        await Assert.ThrowsAsync<InvalidOperationException>(
            () => ChunkRoundTripTests.RunOnSerialContextAsync(
                () => ChunkAssembler.FetchAsync(Plan.RootKey, FailingFetchAsync, new FetchOptions { MaxParallel = 8 }, Ct)));
        Assert.Equal(0, source.InFlight);
        Assert.True(calls < Plan.Blocks.Count, $"{calls} fetches");
    }

    [Fact]
    public async Task Cancellation_stops_the_fetch()
    {
        var source = BlockSource.From(Plan);
        source.YieldsPerFetch = 1;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var calls = 0;
        Task<byte[]?> CancellingFetchAsync(NodeId key, CancellationToken ct)
        {
            if (++calls == 20)
            {
                cts.Cancel();
            }

            return source.FetchAsync(key, ct);
        }

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => ChunkRoundTripTests.RunOnSerialContextAsync(
                () => ChunkAssembler.FetchAsync(Plan.RootKey, CancellingFetchAsync, FetchOptions.Default, cts.Token)));
        Assert.Equal(0, source.InFlight);
    }

    [Fact]
    public async Task Invalid_options_are_argument_errors()
    {
        var source = BlockSource.From(Plan);
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => ChunkAssembler.FetchAsync(Plan.RootKey, source.FetchAsync, new FetchOptions { MaxParallel = 0 }, Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => ChunkAssembler.FetchAsync(Plan.RootKey, source.FetchAsync, new FetchOptions { MaxTotalSize = -1 }, Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => ChunkAssembler.FetchAsync(Plan.RootKey, source.FetchAsync, new FetchOptions { MaxTotalSize = long.MaxValue }, Ct));
    }

    internal static byte[] Tamper(byte[] original, string tamper)
    {
        var bytes = original.ToArray();
        var total = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(6));
        var chunkSize = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(46));
        var count = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(50));
        switch (tamper)
        {
            case "total+1": SetTotal(total + 1); break;
            case "total-1": SetTotal(total - 1); break;
            case "total*2": SetTotal(total * 2); break;
            case "total=0": SetTotal(0); break;
            case "total=max": SetTotal(ulong.MaxValue); break;
            case "hash": bytes[20] ^= 0x10; break;
            case "chunk-size+1": SetChunkSize(chunkSize + 1); break;
            case "chunk-size-1": SetChunkSize(chunkSize - 1); break;
            case "chunk-size=117": SetChunkSize(117); break;
            case "count+1": SetCount(count + 1); break;
            case "count-1": SetCount(count - 1); break;
            case "count=0": SetCount(0); break;
            case "drop-last-key": SetCount(count - 1); bytes = bytes[..^NodeId.Size]; break;
            case "add-key": SetCount(count + 1); bytes = [.. bytes, .. bytes[^NodeId.Size..]]; break;
            case "level^1": bytes[5] ^= 1; break;
            case "level=2": bytes[5] = 2; break;
            case "level=9": bytes[5] = 9; break;
            case "version=0": bytes[4] = 0; break;
            case "version=2": bytes[4] = 2; break;
            case "swap-children":
                var first = bytes[54..86];
                bytes.AsSpan(86, NodeId.Size).CopyTo(bytes.AsSpan(54));
                first.CopyTo(bytes.AsSpan(86));
                break;
            case "repeat-child": bytes.AsSpan(54, NodeId.Size).CopyTo(bytes.AsSpan(86)); break;
            case "truncated-header": bytes = bytes[..40]; break;
            default: throw new ArgumentException(tamper, nameof(tamper));
        }

        Assert.NotEqual(original, bytes);
        return bytes;

        void SetTotal(ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(6), value);
        void SetChunkSize(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(46), value);
        void SetCount(uint value) => BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(50), value);
    }

    /// <summary>Stores a copy of <paramref name="root"/> with one child replaced; returns its key.</summary>
    internal static NodeId ReplaceChild(BlockSource source, ChunkManifest root, int position, NodeId child)
    {
        var children = root.Children.ToArray();
        children[position] = child;
        return source.Put(new ChunkManifest(root.Level, root.TotalSize, root.ValueHash, root.ChunkSize, children).Encode());
    }

    private static ChunkManifest RootManifest() => Manifest(BlockSource.From(Plan), Plan.RootKey);

    private static ChunkManifest Manifest(BlockSource source, NodeId key)
    {
        Assert.True(ChunkManifest.TryParse(source.Peek(key), out var manifest, out var error), error);
        return manifest;
    }

    private static Task<byte[]?> FetchAsync(BlockSource source, NodeId key) =>
        ChunkAssembler.FetchAsync(key, source.FetchAsync, FetchOptions.Default, Ct);
}
