using System.Runtime.ExceptionServices;
using DhtRpc.Wire;
using DhtRpc.Query;
using DhtRpc.Rpc;
using DhtRpc.Storage.Logging;
using DhtRpc.Storage.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DhtRpc.Storage.Client;

/// <summary>The result of a put: the key to get it back with, and how many nodes acknowledged storing it.</summary>
/// <param name="Key">SHA-256 of the value (of its manifest, for chunked values).</param>
/// <param name="Replicas">Nodes that acknowledged (the fewest over all blocks of a chunked value).</param>
/// <param name="Blocks">Blocks stored: 1 for a value that fits one datagram.</param>
/// <param name="Size">Bytes of the value.</param>
public sealed record PutResult(NodeId Key, int Replicas, int Blocks, long Size);

/// <summary>
/// Stores and fetches bytes by content hash through any node: a put walks to the closest nodes of
/// sha256(value) and commits the value to each with its token; a get walks there and takes the first
/// reply whose bytes hash to the key. Replies that do not hash to the key are ignored and counted.
/// </summary>
public sealed partial class DhtStorageClient
{
    /// <summary>
    /// A block read asks three nodes at a time: the walk ends at the first copy, and every holder asked
    /// at once sends the whole block, to an address that showed no token (which each node sends only so
    /// many bytes a second, docs/limits.md).
    /// </summary>
    private static readonly QueryOptions BlockReads = new() { Concurrency = 3 };

    private readonly ILogger _logger;
    private long _corruptReplies;

    /// <summary>A client that stores and fetches through <paramref name="node"/>.</summary>
    /// <param name="node">The node whose queries and requests carry the client's traffic.</param>
    /// <param name="logger">Where values stored and fetched, and corrupt replies, are logged; nowhere when null.</param>
    public DhtStorageClient(DhtNode node, ILogger<DhtStorageClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        Node = node;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The node the client works through.</summary>
    public DhtNode Node { get; }

    /// <summary>Replies whose value did not hash to the key asked for.</summary>
    public long CorruptReplies => Interlocked.Read(ref _corruptReplies);

    /// <summary>Stores one block under sha256(block) on the closest nodes; returns how many acknowledged.</summary>
    public async Task<int> PutBlockAsync(NodeId key, byte[] block, CancellationToken cancellationToken = default)
    {
        var (acks, _) = await PutBlockWithQueryAsync(key, block, cancellationToken).ConfigureAwait(true);
        return acks;
    }

    /// <summary>Fetches one block: the first reply whose bytes hash to <paramref name="key"/>, or null.</summary>
    public async Task<byte[]?> GetBlockAsync(NodeId key, CancellationToken cancellationToken = default)
    {
        var query = Node.Query(key, StorageCommands.Get, value: null, BlockReads);
        await foreach (var reply in query.WithCancellation(cancellationToken).ConfigureAwait(true))
        {
            if (reply.Value is not { } value)
            {
                continue;
            }

            if (StorageNode.Sha256(value) == key)
            {
                await query.StopAsync().ConfigureAwait(true);
                return value;
            }

            Interlocked.Increment(ref _corruptReplies);
            _logger.CorruptReply(reply.From.Endpoint, key);
        }

        return null;
    }

    /// <summary>The nodes that answer with the value for <paramref name="key"/> (verified), closest first.</summary>
    public async Task<IReadOnlyList<DhtPeer>> FindHoldersAsync(NodeId key, CancellationToken cancellationToken = default)
    {
        var holders = new List<DhtPeer>();
        var query = Node.Query(key, StorageCommands.Get);
        await foreach (var reply in query.WithCancellation(cancellationToken).ConfigureAwait(true))
        {
            if (reply.Value is { } value)
            {
                if (StorageNode.Sha256(value) == key)
                {
                    holders.Add(reply.From);
                }
                else
                {
                    Interlocked.Increment(ref _corruptReplies);
                    _logger.CorruptReply(reply.From.Endpoint, key);
                }
            }
        }

        var id = key;
        holders.Sort((a, b) => id.CompareDistance(a.Id ?? default, b.Id ?? default));
        return holders;
    }

    /// <summary>Stores one block on the closest nodes; returns how many acknowledged, and the query that found them.</summary>
    /// <param name="key">SHA-256 of <paramref name="block"/>.</param>
    /// <param name="block">The bytes to store.</param>
    /// <param name="cancellationToken">Stops the walk and the commits.</param>
    /// <param name="holder">
    /// Id of a node that holds the block itself (a republishing holder): when it is among the k closest, it is
    /// one of the k copies, so the farthest of the k closest replies is not stored to.
    /// </param>
    internal async Task<(int Acks, DhtQuery Query)> PutBlockWithQueryAsync(NodeId key, byte[] block, CancellationToken cancellationToken, NodeId? holder = null)
    {
        var acks = 0;
        var query = Node.Query(key, StorageCommands.Insert, value: null, new QueryOptions
        {
            Commit = async (reply, q, ct) =>
            {
                if (holder is { } self && IsFarthestAfter(self, key, reply, q))
                {
                    return;
                }

                if (reply.Token is null)
                {
                    throw new StorageRefusedException($"{reply.From.Endpoint} sent no token to commit with.");
                }

                var response = await Node.RequestAsync(new DhtRequest(StorageCommands.Insert, key, block, reply.Token), reply.From.Endpoint, cancellationToken: ct).ConfigureAwait(true);
                if (response.Error != 0)
                {
                    throw new StorageRefusedException(response.Error, reply.From.Endpoint);
                }

                Interlocked.Increment(ref acks);
            },
        });
        using (cancellationToken.Register(() => _ = query.StopAsync()))
        {
            try
            {
                await query.Completion.ConfigureAwait(true);
            }
            catch (DhtException e) when (e.InnerException is StorageRefusedException refused)
            {
                // Every closest node refused: say why, as the node put it.
                ExceptionDispatchInfo.Throw(refused);
            }
        }

        return (acks, query);
    }

    /// <summary>
    /// Whether <paramref name="self"/> belongs among the <paramref name="k"/> closest to <paramref name="key"/>:
    /// fewer than k replies were found, or it is closer than the k-th.
    /// </summary>
    internal static bool IsAmongClosest(NodeId self, NodeId key, IReadOnlyList<DhtResponse> closest, int k) =>
        closest.Count < k || (closest[^1].From.Id is { } farthest && key.CompareDistance(self, farthest) < 0);

    /// <summary>Whether <paramref name="reply"/> is the k-th closest reply and <paramref name="self"/> is closer than it.</summary>
    private bool IsFarthestAfter(NodeId self, NodeId key, DhtResponse reply, DhtQuery query)
    {
        var closest = query.ClosestReplies;
        var k = Node.Options.K;
        return closest.Count >= k && closest[^1].From.Endpoint == reply.From.Endpoint && IsAmongClosest(self, key, closest, k);
    }
}
