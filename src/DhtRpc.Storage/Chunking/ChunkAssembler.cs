using System.Security.Cryptography;
using DhtRpc.Wire;

namespace DhtRpc.Storage.Chunking;

/// <summary>
/// Fetches a value planned by <see cref="ChunkPlanner"/>: the root block, then each manifest level
/// and finally the data chunks, each level with a bounded number of fetches in flight. Every block
/// is checked against its key, every manifest against the span its position in the tree requires,
/// and the assembled bytes against the SHA-256 of every manifest.
/// </summary>
public static class ChunkAssembler
{
    /// <summary>
    /// Fetches and verifies the value whose root block has key <paramref name="rootKey"/>.
    /// <paramref name="fetchBlock"/> returns a block's bytes or null when it cannot be found; it is
    /// called from the caller's context, at most <see cref="FetchOptions.MaxParallel"/> at a time.
    /// </summary>
    /// <returns>The value, or null when the root block itself is not found.</returns>
    /// <exception cref="ContentVerificationException">A block or the assembled value fails verification.</exception>
    /// <exception cref="ContentNotFoundException">A block below the root is not found.</exception>
    public static async Task<byte[]?> FetchAsync(
        NodeId rootKey,
        Func<NodeId, CancellationToken, Task<byte[]?>> fetchBlock,
        FetchOptions options,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(fetchBlock);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxParallel, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxTotalSize, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.MaxTotalSize, Array.MaxLength, nameof(options));

        var root = await fetchBlock(rootKey, ct).ConfigureAwait(true);
        if (root is null)
        {
            return null;
        }

        VerifyBlockHash(rootKey, root);
        if (!ChunkManifest.HasMagic(root))
        {
            if (root.Length > options.MaxTotalSize)
            {
                throw new ContentVerificationException(rootKey, $"value of {root.Length} bytes is over the cap of {options.MaxTotalSize} bytes");
            }

            options.Progress?.Report((root.Length, root.Length));
            return root;
        }

        var manifest = ParseManifest(rootKey, root);
        var assembly = new Assembly(fetchBlock, options, rootKey, manifest);
        return await assembly.RunAsync(ct).ConfigureAwait(true);
    }

    private static void VerifyBlockHash(NodeId key, ReadOnlySpan<byte> block)
    {
        if (Hash(block) != key)
        {
            throw new ContentVerificationException(key, $"the {block.Length} bytes fetched hash to {Hash(block)}, not to the key");
        }
    }

    private static ChunkManifest ParseManifest(NodeId key, ReadOnlySpan<byte> block) =>
        ChunkManifest.TryParse(block, out var manifest, out var error)
            ? manifest
            : throw new ContentVerificationException(key, $"malformed manifest: {error}");

    private static NodeId Hash(ReadOnlySpan<byte> bytes)
    {
        Span<byte> digest = stackalloc byte[NodeId.Size];
        SHA256.HashData(bytes, digest);
        return NodeId.Read(digest);
    }

    private static long CeilDiv(long a, long b) => ((a - 1) / b) + 1;

    /// <summary>The state of one fetch: what has been fetched and the value being filled.</summary>
    private sealed class Assembly
    {
        private readonly Func<NodeId, CancellationToken, Task<byte[]?>> _fetchBlock;
        private readonly FetchOptions _options;
        private readonly NodeId _rootKey;
        private readonly ChunkManifest _root;
        private readonly int _chunkSize;
        private readonly long _total;

        /// <summary>Every distinct manifest with the offset of one span it describes, root first.</summary>
        private readonly List<(NodeId Key, ChunkManifest Manifest, long Offset)> _manifests = [];

        private int _fetchedBlocks = 1;
        private byte[]? _value;
        private long _filled;

        public Assembly(Func<NodeId, CancellationToken, Task<byte[]?>> fetchBlock, FetchOptions options, NodeId rootKey, ChunkManifest root)
        {
            _fetchBlock = fetchBlock;
            _options = options;
            _rootKey = rootKey;
            _root = root;
            _chunkSize = root.ChunkSize;
            _total = root.TotalSize;
        }

        public async Task<byte[]> RunAsync(CancellationToken ct)
        {
            if (_total > _options.MaxTotalSize)
            {
                throw new ContentVerificationException(_rootKey, $"manifest declares {_total} bytes, over the cap of {_options.MaxTotalSize} bytes");
            }

            var expectedLevel = ChunkManifest.LevelFor(_total, _chunkSize);
            if (_root.Level != expectedLevel)
            {
                throw new ContentVerificationException(
                    _rootKey,
                    $"root manifest has level {_root.Level}, but {_total} bytes in chunks of {_chunkSize} need level {expectedLevel}");
            }

            CheckShape(_rootKey, _root, _root.Level, _total);
            _manifests.Add((_rootKey, _root, 0));
            _options.Progress?.Report((0, _total));

            ChunkManifest[] current = [_root];
            for (var level = _root.Level - 1; level >= 0; level--)
            {
                current = await FetchManifestLevelAsync(current, level, ct).ConfigureAwait(true);
            }

            await FetchDataAsync(current, ct).ConfigureAwait(true);
            var value = _value!;
            foreach (var (key, manifest, offset) in _manifests)
            {
                var span = value.AsSpan(checked((int)offset), checked((int)manifest.TotalSize));
                if (Hash(span) != manifest.ValueHash)
                {
                    throw new ContentVerificationException(
                        key,
                        $"the {span.Length} assembled bytes at offset {offset} do not match the manifest's SHA-256 {manifest.ValueHash}");
                }
            }

            return value;
        }

        /// <summary>Checks a manifest against the span its position requires.</summary>
        private void CheckShape(NodeId key, ChunkManifest manifest, int level, long length)
        {
            if (manifest.Level != level)
            {
                throw new ContentVerificationException(key, $"manifest has level {manifest.Level} where level {level} belongs");
            }

            if (manifest.ChunkSize != _chunkSize)
            {
                throw new ContentVerificationException(key, $"manifest has chunk size {manifest.ChunkSize}, the root has {_chunkSize}");
            }

            if (manifest.TotalSize != length)
            {
                throw new ContentVerificationException(key, $"manifest declares {manifest.TotalSize} bytes where its position covers {length}");
            }

            var children = CeilDiv(length, ChunkManifest.ChildSpan(_chunkSize, level));
            if (manifest.Children.Count != children)
            {
                throw new ContentVerificationException(key, $"manifest has {manifest.Children.Count} children where {length} bytes need {children}");
            }
        }

        /// <summary>Fetches the children of <paramref name="parents"/>, the manifests of <paramref name="level"/>.</summary>
        private async Task<ChunkManifest[]> FetchManifestLevelAsync(ChunkManifest[] parents, int level, CancellationToken ct)
        {
            var keys = parents.SelectMany(parent => parent.Children).ToArray();
            var span = ChunkManifest.FullSpan(_chunkSize, level);
            if (keys.Length != CeilDiv(_total, span))
            {
                // The parents' shapes were checked, so this only fails if the checks are wrong.
                throw new ContentVerificationException(_rootKey, $"level {level} has {keys.Length} manifests where {CeilDiv(_total, span)} belong");
            }

            var parsed = new Dictionary<NodeId, ChunkManifest>();
            await FetchAllAsync(
                keys.Distinct(),
                (key, block) => parsed.Add(key, ParseManifest(key, block)),
                ct).ConfigureAwait(true);

            var manifests = new ChunkManifest[keys.Length];
            var checkedKeys = new HashSet<NodeId>();
            for (var i = 0; i < keys.Length; i++)
            {
                var offset = i * span;
                var manifest = parsed[keys[i]];
                CheckShape(keys[i], manifest, level, Math.Min(span, _total - offset));
                if (checkedKeys.Add(keys[i]))
                {
                    _manifests.Add((keys[i], manifest, offset));
                }

                manifests[i] = manifest;
            }

            return manifests;
        }

        /// <summary>Fetches each distinct data chunk once, then copies repeated chunks into place.</summary>
        private async Task FetchDataAsync(ChunkManifest[] leaves, CancellationToken ct)
        {
            var fanOut = ChunkManifest.FanOut(_chunkSize);
            var chunks = CeilDiv(_total, _chunkSize);
            NodeId KeyOf(long chunk) => leaves[chunk / fanOut].Children[(int)(chunk % fanOut)];
            int LengthOf(long chunk) => (int)Math.Min(_chunkSize, _total - (chunk * _chunkSize));

            var firstUse = new Dictionary<NodeId, long>();
            IEnumerable<NodeId> DistinctKeys()
            {
                for (long chunk = 0; chunk < chunks; chunk++)
                {
                    var key = KeyOf(chunk);
                    if (firstUse.TryAdd(key, chunk))
                    {
                        yield return key;
                    }
                }
            }

            await FetchAllAsync(
                DistinctKeys(),
                (key, block) =>
                {
                    var chunk = firstUse[key];
                    if (block.Length != LengthOf(chunk))
                    {
                        throw new ContentVerificationException(key, $"data chunk {chunk} is {block.Length} bytes where {LengthOf(chunk)} belong");
                    }

                    Place(block, chunk);
                },
                ct).ConfigureAwait(true);

            for (long chunk = 0; chunk < chunks; chunk++)
            {
                var key = KeyOf(chunk);
                var first = firstUse[key];
                if (first == chunk)
                {
                    continue;
                }

                if (LengthOf(chunk) != LengthOf(first))
                {
                    throw new ContentVerificationException(key, $"data chunk {chunk} is {LengthOf(first)} bytes where {LengthOf(chunk)} belong");
                }

                Place(_value.AsSpan(checked((int)(first * _chunkSize)), LengthOf(first)), chunk);
            }
        }

        private void Place(ReadOnlySpan<byte> block, long chunk)
        {
            // Allocated only once a verified chunk of the declared layout has arrived.
            _value ??= new byte[_total];
            block.CopyTo(_value.AsSpan(checked((int)(chunk * _chunkSize))));
            _filled += block.Length;
            _options.Progress?.Report((_filled, _total));
        }

        /// <summary>
        /// Fetches <paramref name="keys"/> with at most <see cref="FetchOptions.MaxParallel"/> in
        /// flight, verifies each block against its key and hands it to <paramref name="accept"/> on
        /// this context. On the first failure the rest are cancelled and awaited before it is thrown.
        /// </summary>
        private async Task FetchAllAsync(IEnumerable<NodeId> keys, Action<NodeId, byte[]> accept, CancellationToken ct)
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var running = new List<Task<(NodeId Key, byte[]? Block)>>(_options.MaxParallel);
            using var pending = keys.GetEnumerator();
            try
            {
                while (true)
                {
                    while (running.Count < _options.MaxParallel && pending.MoveNext())
                    {
                        running.Add(FetchOneAsync(pending.Current, cts.Token));
                    }

                    if (running.Count == 0)
                    {
                        return;
                    }

                    var done = await Task.WhenAny(running).ConfigureAwait(true);
                    running.Remove(done);
                    var (key, block) = await done.ConfigureAwait(true);
                    if (block is null)
                    {
                        throw new ContentNotFoundException(key, _fetchedBlocks);
                    }

                    VerifyBlockHash(key, block);
                    _fetchedBlocks++;
                    accept(key, block);
                }
            }
            catch
            {
                await cts.CancelAsync().ConfigureAwait(true);
                await ((Task)Task.WhenAll(running))
                    .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
                throw;
            }
        }

        private async Task<(NodeId Key, byte[]? Block)> FetchOneAsync(NodeId key, CancellationToken ct) =>
            (key, await _fetchBlock(key, ct).ConfigureAwait(true));
    }
}
