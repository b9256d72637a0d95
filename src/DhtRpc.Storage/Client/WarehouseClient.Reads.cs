using DhtRpc.Rpc;
using DhtRpc.Storage.Protocol;
using DhtRpc.Wire;

namespace DhtRpc.Storage.Client;

/// <summary>Verifiable reads: command 108, with the plain GET (101) for warehouses that do not know it.</summary>
public sealed partial class WarehouseClient
{
    /// <summary>
    /// GET through a lookup: the value a verifiable read settles on (see <see cref="ReadAsync"/>) and the
    /// first warehouse that gave it; null when none holds one. A forged signed value is never returned.
    /// </summary>
    public async Task<(byte[] Value, Ipv4Endpoint From)?> GetAsync(string key, CancellationToken cancellationToken = default)
    {
        var read = await ReadAsync(key, cancellationToken: cancellationToken).ConfigureAwait(true);
        return read.Answer is { } answer ? (answer.Value, answer.Holders[0]) : null;
    }

    /// <summary>
    /// Reads sha256(<paramref name="key"/>) from up to <paramref name="redundancy"/> holders: a walk toward the
    /// target with command 108 collects their replies; signed ones are verified and forgeries discarded (and
    /// counted). When the walk met nodes that failed it and too few holders answered, the closest nodes that did
    /// not answer are asked one by one, with the plain GET (101) for those that do not know 108.
    /// </summary>
    /// <param name="key">The item's name.</param>
    /// <param name="redundancy">How many holders to hear from before stopping (the store's redundancy, default 3).</param>
    /// <param name="owner">When set, the 32-byte Ed25519 public key whose signed envelope alone can be the answer.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    public async Task<WarehouseRead> ReadAsync(string key, int redundancy = 3, byte[]? owner = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(redundancy, 1);
        var target = TargetOf(key);
        var tally = new ReadTally(target, owner);
        var answered = new HashSet<Ipv4Endpoint>();
        var query = Node.Query(target, StorageCommands.WarehouseGetVerifiable);
        await foreach (var reply in query.WithCancellation(cancellationToken).ConfigureAwait(true))
        {
            answered.Add(reply.From.Endpoint);
            tally.AddVerifiable(reply.From.Endpoint, reply.Value);
            if (tally.HolderCount >= redundancy)
            {
                await query.StopAsync().ConfigureAwait(true);
                break;
            }
        }

        if (tally.HolderCount < redundancy && query.Errors > 0)
        {
            await AskTheRestAsync(target, tally, answered, redundancy, cancellationToken).ConfigureAwait(true);
        }

        return tally.Result();
    }

    /// <summary>
    /// Reads sha256(<paramref name="key"/>) from one warehouse with command 108 (101 when it does not know 108).
    /// A forged signed reply is counted in <see cref="WarehouseRead.Forgeries"/> and not returned. Throws
    /// <see cref="StorageRefusedException"/> when the warehouse refuses.
    /// </summary>
    public async Task<WarehouseRead> ReadFromAsync(string key, Ipv4Endpoint warehouse, CancellationToken cancellationToken = default)
    {
        var target = TargetOf(key);
        var tally = new ReadTally(target, null);
        await ReadOneAsync(target, warehouse, tally, cancellationToken).ConfigureAwait(true);
        return tally.Result();
    }

    /// <summary>Nodes the walk could not read (they refused 108 or did not answer), closest first, a few at a time.</summary>
    private async Task AskTheRestAsync(NodeId target, ReadTally tally, HashSet<Ipv4Endpoint> answered, int redundancy, CancellationToken cancellationToken)
    {
        var walk = Node.FindNode(target);
        await walk.ToListAsync(cancellationToken).ConfigureAwait(true);
        var rest = walk.ClosestNodes.Select(p => p.Endpoint).Where(e => !answered.Contains(e)).ToList();
        foreach (var batch in rest.Chunk(redundancy))
        {
            await Task.WhenAll(batch.Select(e => TryReadOneAsync(target, e, tally, cancellationToken))).ConfigureAwait(true);
            if (tally.HolderCount >= redundancy)
            {
                return;
            }
        }
    }

    private async Task TryReadOneAsync(NodeId target, Ipv4Endpoint node, ReadTally tally, CancellationToken cancellationToken)
    {
        try
        {
            await ReadOneAsync(target, node, tally, cancellationToken).ConfigureAwait(true);
        }
        catch (Exception e) when (e is DhtException or StorageRefusedException)
        {
            // Not a warehouse, or gone: it holds nothing we can read.
        }
    }

    private async Task ReadOneAsync(NodeId target, Ipv4Endpoint node, ReadTally tally, CancellationToken cancellationToken)
    {
        var reply = await Node.RequestAsync(new DhtRequest(StorageCommands.WarehouseGetVerifiable, target), node, cancellationToken: cancellationToken).ConfigureAwait(true);
        if (reply.Error == ErrorCodes.UnknownCommand)
        {
            // An older warehouse (the study's JS nodes): its plain GET cannot be checked, and says so in the result.
            var plain = await Node.RequestAsync(new DhtRequest(StorageCommands.WarehouseGet, target), node, cancellationToken: cancellationToken).ConfigureAwait(true);
            ThrowIfError(plain);
            tally.AddPlain(node, plain.Value);
            return;
        }

        ThrowIfError(reply);
        tally.AddVerifiable(node, reply.Value);
    }
}
