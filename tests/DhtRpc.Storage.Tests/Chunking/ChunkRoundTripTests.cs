using System.Text;
using DhtRpc.Storage.Chunking;
using DhtRpc.Threading;

namespace DhtRpc.Storage.Tests.Chunking;

public sealed class ChunkRoundTripTests
{
    private const int BlockSize = 1024;

    public static TheoryData<int, int> EdgeSizes => new()
    {
        { 0, BlockSize },
        { 1, BlockSize },
        { BlockSize - 1, BlockSize },
        { BlockSize, BlockSize },
        { BlockSize + 1, BlockSize },
        { 0, ChunkManifest.MinBlockSize },
        { ChunkManifest.MinBlockSize, ChunkManifest.MinBlockSize },
        { ChunkManifest.MinBlockSize + 1, ChunkManifest.MinBlockSize },
        { (2 * BlockSize) - 1, BlockSize },
        { 2 * BlockSize, BlockSize },
        { (30 * BlockSize) + 1, BlockSize },
    };

    [Theory]
    [MemberData(nameof(EdgeSizes))]
    public async Task Values_round_trip_around_the_block_size(int size, int blockSize)
    {
        var value = RandomBytes(size, seed: size);
        var plan = ChunkPlanner.Plan(value, blockSize);

        Assert.Equal(size > blockSize, plan.IsChunked);
        if (!plan.IsChunked)
        {
            Assert.Equal(BlockSource.Hash(value), plan.RootKey);
            Assert.Single(plan.Blocks);
        }

        AssertWellFormed(plan, blockSize);
        Assert.Equal(value, await FetchAsync(plan));
    }

    [Theory]
    [InlineData("DHTM")]
    [InlineData("DHTMx")]
    [InlineData("DHTM\u0001\u0000")]
    public async Task Small_values_starting_with_the_magic_get_a_manifest(string text)
    {
        var value = Encoding.ASCII.GetBytes(text);
        var plan = ChunkPlanner.Plan(value, BlockSize);

        Assert.True(plan.IsChunked);
        Assert.Equal(0, plan.RootLevel);
        Assert.Equal(2, plan.Blocks.Count);
        AssertWellFormed(plan, BlockSize);
        Assert.Equal(value, await FetchAsync(plan));
    }

    [Fact]
    public async Task A_value_that_is_itself_a_manifest_comes_back_verbatim()
    {
        var inner = ChunkPlanner.Plan(RandomBytes(5000, seed: 7), BlockSize);
        var innerRoot = inner.Blocks[^1].Bytes.ToArray();
        Assert.Equal(inner.RootKey, BlockSource.Hash(innerRoot));

        var plan = ChunkPlanner.Plan(innerRoot, BlockSize);
        Assert.True(plan.IsChunked);
        Assert.NotEqual(inner.RootKey, plan.RootKey);

        var source = BlockSource.From(plan);
        source.Add(inner);
        var fetched = await ChunkAssembler.FetchAsync(plan.RootKey, source.FetchAsync, FetchOptions.Default, TestContext.Current.CancellationToken);
        Assert.Equal(innerRoot, fetched);
    }

    [Theory]
    [InlineData(1024, 2)]
    [InlineData(8192, 1)]
    public async Task Five_megabytes_build_a_multi_level_tree(int blockSize, int rootLevel)
    {
        var value = RandomBytes((5 * 1024 * 1024) + 123, seed: blockSize);
        var plan = ChunkPlanner.Plan(value, blockSize);

        Assert.Equal(rootLevel, plan.RootLevel);
        AssertWellFormed(plan, blockSize);
        var chunks = (value.Length + blockSize - 1) / blockSize;
        Assert.True(plan.Blocks.Count > chunks);

        var source = BlockSource.From(plan);
        source.YieldsPerFetch = 1;
        var fetched = await ChunkAssembler.FetchAsync(plan.RootKey, source.FetchAsync, FetchOptions.Default, TestContext.Current.CancellationToken);
        Assert.Equal(value, fetched);
        Assert.Equal(plan.Blocks.Count, source.Fetches);
        Assert.All(source.FetchesByKey.Values, count => Assert.Equal(1, count));
    }

    [Fact]
    public async Task Repeated_content_shares_blocks_and_each_is_fetched_once()
    {
        var pattern = RandomBytes(BlockSize, seed: 3);
        var value = new byte[(500 * BlockSize) + 17];
        for (var offset = 0; offset < value.Length; offset += BlockSize)
        {
            pattern.AsSpan(0, Math.Min(BlockSize, value.Length - offset)).CopyTo(value.AsSpan(offset));
        }

        var plan = ChunkPlanner.Plan(value, BlockSize);
        AssertWellFormed(plan, BlockSize);

        // Chunks: the pattern and the 17-byte tail. Level 0: 16 full manifests are identical,
        // the 17th is the short last one. Root: level 1.
        Assert.Equal(1, plan.RootLevel);
        Assert.Equal(2 + 2 + 1, plan.Blocks.Count);

        var source = BlockSource.From(plan);
        var fetched = await ChunkAssembler.FetchAsync(plan.RootKey, source.FetchAsync, FetchOptions.Default, TestContext.Current.CancellationToken);
        Assert.Equal(value, fetched);
        Assert.Equal(plan.Blocks.Count, source.Fetches);
    }

    [Fact]
    public async Task Zeros_dedup_to_a_handful_of_blocks()
    {
        var value = new byte[5 * 1024 * 1024];
        var plan = ChunkPlanner.Plan(value, BlockSize);
        AssertWellFormed(plan, BlockSize);
        // One chunk; level 0: full and last; level 1: full and last; the root.
        Assert.Equal(2, plan.RootLevel);
        Assert.Equal(6, plan.Blocks.Count);
        Assert.Equal(value, await FetchAsync(plan));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(16)]
    public async Task Fetches_in_flight_never_exceed_max_parallel(int maxParallel)
    {
        var value = RandomBytes(300 * BlockSize, seed: maxParallel);
        var plan = ChunkPlanner.Plan(value, BlockSize);
        var source = BlockSource.From(plan);
        source.YieldsPerFetch = 3;
        var options = new FetchOptions { MaxParallel = maxParallel };

        // On a serial context every yield queues behind the fetches already started, so the
        // window fills completely before any fetch finishes: the count is exact, not a race.
        var fetched = await RunOnSerialContextAsync(
            () => ChunkAssembler.FetchAsync(plan.RootKey, source.FetchAsync, options, TestContext.Current.CancellationToken));

        Assert.Equal(value, fetched);
        Assert.True(source.MaxInFlight <= maxParallel, $"{source.MaxInFlight} in flight with a limit of {maxParallel}");
        Assert.Equal(maxParallel, source.MaxInFlight);
    }

    [Fact]
    public async Task Progress_counts_up_to_the_total()
    {
        var value = RandomBytes((200 * BlockSize) + 5, seed: 11);
        var plan = ChunkPlanner.Plan(value, BlockSize);
        var reports = new List<(long Fetched, long Total)>();
        var options = new FetchOptions { Progress = new ListProgress(reports) };

        var source = BlockSource.From(plan);
        Assert.Equal(value, await ChunkAssembler.FetchAsync(plan.RootKey, source.FetchAsync, options, TestContext.Current.CancellationToken));

        Assert.NotEmpty(reports);
        Assert.All(reports, report => Assert.Equal(value.Length, report.Total));
        Assert.Equal((value.Length, value.Length), reports[^1]);
        for (var i = 1; i < reports.Count; i++)
        {
            Assert.True(reports[i].Fetched >= reports[i - 1].Fetched);
        }
    }

    [Fact]
    public async Task Progress_reaches_the_total_for_repeated_chunks_and_raw_blocks()
    {
        foreach (var value in new[] { new byte[100 * BlockSize], RandomBytes(10, seed: 1), [] })
        {
            var plan = ChunkPlanner.Plan(value, BlockSize);
            var reports = new List<(long Fetched, long Total)>();
            var options = new FetchOptions { Progress = new ListProgress(reports) };
            var source = BlockSource.From(plan);

            Assert.Equal(value, await ChunkAssembler.FetchAsync(plan.RootKey, source.FetchAsync, options, TestContext.Current.CancellationToken));
            Assert.Equal((value.Length, value.Length), reports[^1]);
        }
    }

    [Fact]
    public async Task A_missing_root_returns_null()
    {
        var source = new BlockSource();
        var key = BlockSource.Hash([1, 2, 3]);
        Assert.Null(await ChunkAssembler.FetchAsync(key, source.FetchAsync, FetchOptions.Default, TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Manifests_encode_and_parse_back()
    {
        var children = Enumerable.Range(0, 30).Select(i => BlockSource.Hash([(byte)i])).ToArray();
        var manifest = new ChunkManifest(3, 123_456_789, BlockSource.Hash([9]), BlockSize, children);
        var bytes = manifest.Encode();

        Assert.Equal(BlockSize - 10, bytes.Length);
        Assert.Equal("DHTM"u8.ToArray(), bytes[..4]);
        Assert.True(ChunkManifest.TryParse(bytes, out var parsed, out var error), error);
        Assert.Equal(3, parsed.Level);
        Assert.Equal(123_456_789, parsed.TotalSize);
        Assert.Equal(manifest.ValueHash, parsed.ValueHash);
        Assert.Equal(BlockSize, parsed.ChunkSize);
        Assert.Equal(children, parsed.Children);
        Assert.Equal(30, ChunkManifest.FanOut(BlockSize));
    }

    [Fact]
    public void Plans_reject_block_sizes_too_small_and_values_too_deep()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ChunkPlanner.Plan(new byte[10], ChunkManifest.MinBlockSize - 1));

        // Block size 118: fan-out 2, nine levels hold 118 · 2^9 bytes.
        var limit = ChunkManifest.MinBlockSize * 512;
        Assert.Equal(ChunkManifest.MaxLevel, ChunkPlanner.Plan(new byte[limit], ChunkManifest.MinBlockSize).RootLevel);
        Assert.Throws<ArgumentOutOfRangeException>(() => ChunkPlanner.Plan(new byte[limit + 1], ChunkManifest.MinBlockSize));
    }

    internal static Task<T> RunOnSerialContextAsync<T>(Func<Task<T>> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        new SerialSynchronizationContext().Post(
            _ => _ = work().ContinueWith(
                task =>
                {
                    if (task.IsFaulted)
                    {
                        done.SetException(task.Exception.InnerExceptions);
                    }
                    else if (task.IsCanceled)
                    {
                        done.SetCanceled();
                    }
                    else
                    {
                        done.SetResult(task.Result);
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default),
            null);
        return done.Task;
    }

    internal static byte[] RandomBytes(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    internal static async Task<byte[]?> FetchAsync(BlockPlan plan, FetchOptions? options = null)
    {
        var source = BlockSource.From(plan);
        return await ChunkAssembler.FetchAsync(plan.RootKey, source.FetchAsync, options ?? FetchOptions.Default, TestContext.Current.CancellationToken);
    }

    /// <summary>Every block fits, is keyed by its hash, appears once, and manifests parse.</summary>
    internal static void AssertWellFormed(BlockPlan plan, int blockSize)
    {
        Assert.Equal(plan.Blocks.Count, plan.Blocks.Select(block => block.Key).Distinct().Count());
        Assert.Equal(plan.RootKey, plan.Blocks[^1].Key);
        foreach (var block in plan.Blocks)
        {
            Assert.True(block.Bytes.Length <= blockSize, $"a block of {block.Bytes.Length} bytes");
            Assert.Equal(block.Key, BlockSource.Hash(block.Bytes.Span));
        }

        if (plan.IsChunked)
        {
            Assert.True(ChunkManifest.TryParse(plan.Blocks[^1].Bytes.Span, out var root, out var error), error);
            Assert.Equal(plan.RootLevel, root.Level);
        }
    }

    /// <summary>Records reports synchronously (Progress&lt;T&gt; would post them).</summary>
    internal sealed class ListProgress(List<(long Fetched, long Total)> reports) : IProgress<(long Fetched, long Total)>
    {
        public void Report((long Fetched, long Total) value) => reports.Add(value);
    }
}
