using System.Text;
using DhtRpc.Wire;
using DhtRpc.Storage.Chunking;
using DhtRpc.Storage.Json;
using DhtRpc.Storage.Logging;

namespace DhtRpc.Storage.Client;

/// <summary>Options of whole-value puts.</summary>
public sealed record PutOptions
{
    /// <summary>The defaults: 1 KiB blocks (<see cref="DefaultBlockSize"/>), 4 blocks stored at once, no progress reports.</summary>
    public static PutOptions Default { get; } = new();

    /// <summary>
    /// The default block size, 1,024 bytes. A put request carrying such a block is at most 1,134 bytes and a
    /// reply carrying it at most 1,222 (id, token and 20 closer nodes included): under the 2,048-byte
    /// datagrams JavaScript dht-rpc nodes read, under the 1,472 bytes a node replies to an address without
    /// a token, and under the 1,232-byte payload every IPv6 path carries unfragmented.
    /// </summary>
    public const int DefaultBlockSize = 1024;

    /// <summary>
    /// Largest block sent in one datagram. Values above it are split into content-addressed chunks under
    /// a Merkle tree of manifests; the block size is part of the manifests, so it decides the key of such a
    /// value (readers take it from the manifest and read any block size). Blocks larger than about 1,900
    /// bytes never reach JavaScript dht-rpc nodes, which read at most 2,048 bytes of a datagram. Must not
    /// exceed what storage nodes accept (<see cref="StorageOptions.MaxValueSize"/>).
    /// </summary>
    public int BlockSize { get; init; } = DefaultBlockSize;

    /// <summary>
    /// Blocks stored at once. Each block is committed to k (20) nodes at the same moment, so more than
    /// MaxWindow / k blocks (80 / 20 with the default node options) overflow the node's congestion window
    /// and every batch then waits for it to drain (750 ms).
    /// </summary>
    public int MaxParallel { get; init; } = 4;

    /// <summary>Reports (blocks stored, blocks in all).</summary>
    public IProgress<(int Done, int Total)>? Progress { get; init; }
}

/// <summary>Whole values of any size, and JSON, on top of block puts and gets.</summary>
public sealed partial class DhtStorageClient
{
    /// <summary>
    /// Stores a value of any size. Small values are one block under sha256(value); larger ones become
    /// chunks plus manifests, and the returned key is the root manifest's hash.
    /// </summary>
    public async Task<PutResult> PutAsync(ReadOnlyMemory<byte> value, PutOptions? options = null, CancellationToken cancellationToken = default)
    {
        var o = options ?? PutOptions.Default;
        var plan = ChunkPlanner.Plan(value, o.BlockSize);
        var blocks = plan.Blocks;
        var replicas = int.MaxValue;
        var done = 0;
        var gate = new Lock();

        // Children first, root last: whoever finds the root can find everything under it.
        var children = blocks.Take(blocks.Count - 1).ToList();
        for (var i = 0; i < children.Count; i += o.MaxParallel)
        {
            var batch = children.Skip(i).Take(o.MaxParallel).Select(async block =>
            {
                var acks = await PutBlockAsync(block.Key, block.Bytes.ToArray(), cancellationToken).ConfigureAwait(true);
                lock (gate)
                {
                    replicas = Math.Min(replicas, acks);
                    done++;
                }

                o.Progress?.Report((done, blocks.Count));
            });
            await Task.WhenAll(batch).ConfigureAwait(true);
        }

        var root = blocks[^1];
        replicas = Math.Min(replicas, await PutBlockAsync(root.Key, root.Bytes.ToArray(), cancellationToken).ConfigureAwait(true));
        o.Progress?.Report((blocks.Count, blocks.Count));
        _logger.ValueStored(value.Length, plan.RootKey, blocks.Count, replicas);
        return new PutResult(plan.RootKey, replicas, blocks.Count, value.Length);
    }

    /// <summary>Fetches a value stored with <see cref="PutAsync"/>, verifying every block; null when nobody has it.</summary>
    /// <exception cref="ContentVerificationException">A block or the assembled value fails verification.</exception>
    /// <exception cref="ContentNotFoundException">A block below the root is not found.</exception>
    public async Task<byte[]?> GetAsync(NodeId key, FetchOptions? options = null, CancellationToken cancellationToken = default)
    {
        var o = options ?? FetchOptions.Default;
        var rootFetched = false;

        // The root is fetched first and alone; every later block is one a manifest names, so look again for it once.
        async Task<byte[]?> FetchBlockAsync(NodeId block, CancellationToken ct)
        {
            var found = await GetBlockAsync(block, ct).ConfigureAwait(true);
            if (!rootFetched)
            {
                rootFetched = true;
                return found;
            }

            for (var attempt = 0; found is null && attempt < o.BlockRetries; attempt++)
            {
                await Task.Delay(o.BlockRetryDelay, Node.Options.TimeProvider, ct).ConfigureAwait(true);
                found = await GetBlockAsync(block, ct).ConfigureAwait(true);
            }

            return found;
        }

        try
        {
            var value = await ChunkAssembler.FetchAsync(key, FetchBlockAsync, o, cancellationToken).ConfigureAwait(true);
            if (value is null)
            {
                _logger.ValueNotFound(key);
            }
            else
            {
                _logger.ValueFetched(value.Length, key);
            }

            return value;
        }
        catch (ContentVerificationException e)
        {
            _logger.ValueCorrupt(key, e);
            throw;
        }
        catch (ContentNotFoundException e)
        {
            _logger.ValueIncomplete(key, e);
            throw;
        }
    }

    /// <summary>Stores JSON exactly as JavaScript's JSON.stringify(JSON.parse(text)) writes it (throws FormatException on invalid JSON).</summary>
    public Task<PutResult> PutJsonAsync(string json, PutOptions? options = null, CancellationToken cancellationToken = default) =>
        PutAsync(JsJson.NormalizeToUtf8(json), options, cancellationToken);

    /// <summary>Fetches JSON stored by hash (compact, as stored); null when nobody has it.</summary>
    public async Task<string?> GetJsonAsync(NodeId key, CancellationToken cancellationToken = default)
    {
        var bytes = await GetAsync(key, null, cancellationToken).ConfigureAwait(true);
        return bytes is null ? null : Encoding.UTF8.GetString(bytes);
    }
}
