using System.Security.Cryptography;
using System.Text;
using DhtRpc.Wire;
using DhtRpc.Rpc;
using DhtRpc.Storage.Protocol;
using NSec.Cryptography;

namespace DhtRpc.Storage.Client;

/// <summary>A warehouse found by a lookup: its address, the token it gave us, how fast it answered.</summary>
public sealed record WarehouseCandidate(DhtPeer Peer, byte[] Token, TimeSpan Rtt);

/// <summary>Outcome of a store on several warehouses.</summary>
public sealed record WarehouseStoreResult(NodeId Target, IReadOnlyList<Ipv4Endpoint> StoredOn, IReadOnlyList<string> Failures);

/// <summary>What the warehouses holding a key report about it, gathered in one lookup.</summary>
public sealed record KeyAccessStats(NodeId Target, long AccessCount, DateTimeOffset? LastAccess, IReadOnlyList<(Ipv4Endpoint Node, InventoryItem Item)> Holders, int UnreadableReplies = 0);

/// <summary>
/// Client of the warehouse commands (100–108). Items live under target = sha256(user key). Stores go to
/// the R warehouses closest to the target (default 3), so a lookup finds them again.
/// </summary>
public sealed partial class WarehouseClient
{
    /// <summary>A client that sends the warehouse commands through <paramref name="node"/>.</summary>
    public WarehouseClient(DhtNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        Node = node;
    }

    /// <summary>The node the client works through.</summary>
    public DhtNode Node { get; }

    /// <summary>The target an item is stored under: SHA-256 of the UTF-8 bytes of <paramref name="key"/>.</summary>
    public static NodeId TargetOf(string key) => NodeId.Read(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>Stores on the <paramref name="redundancy"/> warehouses closest to sha256(<paramref name="key"/>).</summary>
    public async Task<WarehouseStoreResult> StoreAsync(string key, byte[] value, int redundancy = 3, CancellationToken cancellationToken = default)
    {
        var target = TargetOf(key);
        var candidates = await FindWarehousesAsync(target, cancellationToken).ConfigureAwait(true);
        return await StoreOnAsync(target, value, StorageCommands.WarehouseStore, HolderChoice.Diverse(candidates, redundancy, Node.Options.Limits), cancellationToken).ConfigureAwait(true);
    }

    /// <summary>Stores on one named warehouse (asking it for a token first).</summary>
    public async Task<WarehouseStoreResult> StoreOnAsync(string key, byte[] value, Ipv4Endpoint warehouse, CancellationToken cancellationToken = default)
    {
        var target = TargetOf(key);
        var candidate = await AskTokenAsync(target, warehouse, cancellationToken).ConfigureAwait(true);
        return await StoreOnAsync(target, value, StorageCommands.WarehouseStore, [candidate], cancellationToken).ConfigureAwait(true);
    }

    /// <summary>Stores an item only the holder of <paramref name="owner"/> can update or delete.</summary>
    public async Task<WarehouseStoreResult> StoreSignedAsync(Key owner, string key, byte[] value, ulong sequence, int redundancy = 3, CancellationToken cancellationToken = default)
    {
        var target = TargetOf(key);
        var envelope = SignedEnvelope.Create(owner, SignedEnvelope.Purpose.Store, target, sequence, value);
        var candidates = await FindWarehousesAsync(target, cancellationToken).ConfigureAwait(true);
        return await StoreOnAsync(target, envelope, StorageCommands.WarehouseStoreSigned, HolderChoice.Diverse(candidates, redundancy, Node.Options.Limits), cancellationToken).ConfigureAwait(true);
    }

    /// <summary>Stores an owner-signed item on one named warehouse (asking it for a token first).</summary>
    public async Task<WarehouseStoreResult> StoreSignedOnAsync(Key owner, string key, byte[] value, ulong sequence, Ipv4Endpoint warehouse, CancellationToken cancellationToken = default)
    {
        var target = TargetOf(key);
        var envelope = SignedEnvelope.Create(owner, SignedEnvelope.Purpose.Store, target, sequence, value);
        var candidate = await AskTokenAsync(target, warehouse, cancellationToken).ConfigureAwait(true);
        return await StoreOnAsync(target, envelope, StorageCommands.WarehouseStoreSigned, [candidate], cancellationToken).ConfigureAwait(true);
    }

    /// <summary>Plain GET from one warehouse (101, counts an access there); null when it holds nothing. Unchecked: see <see cref="ReadFromAsync"/>.</summary>
    public async Task<byte[]?> GetFromAsync(string key, Ipv4Endpoint warehouse, CancellationToken cancellationToken = default)
    {
        var reply = await Node.RequestAsync(new DhtRequest(StorageCommands.WarehouseGet, TargetOf(key)), warehouse, cancellationToken: cancellationToken).ConfigureAwait(true);
        ThrowIfError(reply);
        return reply.Value;
    }

    /// <summary>Every inventory page of one warehouse.</summary>
    public async Task<IReadOnlyList<InventoryItem>> ListAsync(Ipv4Endpoint warehouse, CancellationToken cancellationToken = default)
    {
        var items = new List<InventoryItem>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var page = 0; page < 100_000; page++)
        {
            var offset = Encoding.ASCII.GetBytes(items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var reply = await Node.RequestAsync(new DhtRequest(StorageCommands.WarehouseList, new NodeId(), offset), warehouse, cancellationToken: cancellationToken).ConfigureAwait(true);
            ThrowIfError(reply);
            IReadOnlyList<InventoryItem> batch = [];
            if (reply.Value is { } value && !InventoryPage.TryParse(value, out batch))
            {
                throw new UnreadableReplyException(warehouse, "LIST");
            }

            // A page with nothing new ends the listing: the last page, or a warehouse that ignores the offset and repeats itself.
            var fresh = batch.Where(item => seen.Add(item.FullKey ?? item.Key + "\u0000" + item.Stored + "\u0000" + item.Preview)).ToList();
            if (fresh.Count == 0)
            {
                break;
            }

            items.AddRange(fresh);
        }

        return items;
    }

    /// <summary>Access statistics of a key from every warehouse a lookup finds holding it.</summary>
    public async Task<KeyAccessStats> KeyStatsAsync(string key, CancellationToken cancellationToken = default)
    {
        var target = TargetOf(key);
        var holders = new List<(Ipv4Endpoint, InventoryItem)>();
        var unreadable = 0;
        var query = Node.Query(target, StorageCommands.WarehouseKeyStats);
        await foreach (var reply in query.WithCancellation(cancellationToken).ConfigureAwait(true))
        {
            if (reply.Value is not { Length: > 0 } value)
            {
                continue;
            }

            if (!InventoryPage.TryParseKeyStats(value, out var item))
            {
                unreadable++;
            }
            else if (item is not null && item.FullKey == target.ToString())
            {
                holders.Add((reply.From.Endpoint, item));
            }
        }

        return StatsOf(target, holders, unreadable);
    }

    /// <summary>The totals over the holders that answered: reads summed, the latest read.</summary>
    private static KeyAccessStats StatsOf(NodeId target, List<(Ipv4Endpoint, InventoryItem)> holders, int unreadable)
    {
        var lastAccess = holders
            .Select(h => h.Item2.LastAccess is { } text ? DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : (DateTimeOffset?)null)
            .Max();
        return new KeyAccessStats(target, holders.Sum(h => h.Item2.AccessCount), lastAccess, holders, unreadable);
    }

    /// <summary>A warehouse's analytics.</summary>
    public async Task<NodeInfo?> InfoAsync(Ipv4Endpoint warehouse, CancellationToken cancellationToken = default)
    {
        var reply = await Node.RequestAsync(new DhtRequest(StorageCommands.WarehouseInfo), warehouse, cancellationToken: cancellationToken).ConfigureAwait(true);
        ThrowIfError(reply);
        if (reply.Value is not { } value)
        {
            return null;
        }

        return InventoryPage.TryParseInfo(value, out var info) ? info : throw new UnreadableReplyException(warehouse, "INFO");
    }

    private async Task<WarehouseCandidate> AskTokenAsync(NodeId target, Ipv4Endpoint warehouse, CancellationToken cancellationToken)
    {
        var reply = await Node.RequestAsync(new DhtRequest(StorageCommands.WarehouseStore, target), warehouse, cancellationToken: cancellationToken).ConfigureAwait(true);
        ThrowIfError(reply);
        return reply.Token is { } token
            ? new WarehouseCandidate(reply.From, token, reply.Rtt)
            : throw new StorageRefusedException($"{warehouse} sent no token: it is not a warehouse.");
    }

    private async Task<WarehouseStoreResult> StoreOnAsync(NodeId target, byte[] value, ulong command, IEnumerable<WarehouseCandidate> candidates, CancellationToken cancellationToken)
    {
        var stored = new List<Ipv4Endpoint>();
        var failures = new List<string>();
        var gate = new Lock();

        // Without a synchronization context the continuations below run in parallel on the thread pool.
        var attempts = candidates.Select(async c =>
        {
            try
            {
                var reply = await Node.RequestAsync(new DhtRequest(command, target, value, c.Token), c.Peer.Endpoint, cancellationToken: cancellationToken).ConfigureAwait(true);
                ThrowIfError(reply);
                lock (gate)
                {
                    stored.Add(c.Peer.Endpoint);
                }
            }
            catch (Exception e) when (e is DhtException or StorageRefusedException)
            {
                lock (gate)
                {
                    failures.Add(e.Message);
                }
            }
        }).ToList();
        await Task.WhenAll(attempts).ConfigureAwait(true);
        return new WarehouseStoreResult(target, stored, failures);
    }

    private static void ThrowIfError(DhtResponse reply)
    {
        if (reply.Error != 0)
        {
            throw new StorageRefusedException(reply.Error, reply.From.Endpoint);
        }
    }
}
