using DhtRpc.Wire;
using DhtRpc.Rpc;
using DhtRpc.Storage.Client;
using DhtRpc.Storage.Protocol;
using DhtRpc.Storage.Stores;

namespace DhtRpc.Storage;

/// <summary>
/// Pushes a signed warehouse item, with its owner's envelope as stored, to the warehouses now closest to
/// its target: what holders do each republish round, so a signed item outlives the nodes that first held
/// it. Unsigned items are not pushed: a copy stored by a holder would belong to the holder's address.
/// </summary>
internal sealed class SignedItemPusher
{
    /// <summary>Warehouses each item is pushed to, as many as a client stores on.</summary>
    public const int Redundancy = 3;

    private readonly DhtNode _node;

    public SignedItemPusher(DhtNode node)
    {
        _node = node;
    }

    /// <summary>True when <paramref name="item"/> carries what a push needs (owner key and signature).</summary>
    public static bool CanPush(StoredItem item) => item.OwnerKey is not null && item.Signature is not null;

    /// <summary>Pushes the item; returns how many warehouses took it and the closest replies of the walk.</summary>
    public async Task<(int Stored, IReadOnlyList<DhtResponse> Closest)> PushAsync(StoredItem item, CancellationToken cancellationToken)
    {
        var envelope = SignedEnvelope.Assemble(item.OwnerKey!, (ulong)item.Sequence, item.Signature!, item.Value);
        var query = _node.Query(item.Key, StorageCommands.WarehouseStore);
        await query.ToListAsync(cancellationToken).ConfigureAwait(true);
        var candidates = query.ClosestReplies
            .Where(r => r.Token is not null && r.Error == 0)
            .Select(r => new WarehouseCandidate(r.From, r.Token!, r.Rtt))
            .ToList();
        var holders = HolderChoice.Diverse(candidates, Redundancy, _node.Options.Limits);
        var stored = 0;
        foreach (var holder in holders)
        {
            try
            {
                var request = new DhtRequest(StorageCommands.WarehouseStoreSigned, item.Key, envelope, holder.Token);
                var reply = await _node.RequestAsync(request, holder.Peer.Endpoint, cancellationToken: cancellationToken).ConfigureAwait(true);
                stored += reply.Error == 0 ? 1 : 0;
            }
            catch (DhtException)
            {
                // One holder that does not answer leaves the others; the round counts what was stored.
            }
        }

        return (stored, query.ClosestReplies);
    }
}
