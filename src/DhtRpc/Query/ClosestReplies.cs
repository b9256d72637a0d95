using DhtRpc.Limits;
using DhtRpc.Rpc;
using DhtRpc.Wire;

namespace DhtRpc.Query;

/// <summary>
/// The k closest successful replies of a walk (from nodes with ids), closest to the target first. With
/// limits, one /24 holds at most <see cref="DiversityLimits.PerSubnetInClosest"/> of them: a closer
/// reply from a full /24 takes the place of that /24's farthest, so many ports or hosts of one network
/// cannot fill a lookup's results and commit targets however close their ids are.
/// </summary>
internal sealed class ClosestReplies
{
    private readonly int _k;
    private readonly SubnetShare _shares;
    private readonly RefusalStats? _refused;

    /// <param name="target">The id distances are taken to.</param>
    /// <param name="k">Replies kept.</param>
    /// <param name="limits">The /24 share; null keeps the k closest whatever their addresses (dht-rpc).</param>
    /// <param name="refused">Counts replies kept out by the share.</param>
    public ClosestReplies(NodeId target, int k, NodeLimits? limits = null, RefusalStats? refused = null)
    {
        Target = target;
        _k = k;
        _shares = new SubnetShare(limits);
        _refused = refused;
    }

    public NodeId Target { get; }

    /// <summary>The replies, closest first (at most k).</summary>
    public List<DhtResponse> Items { get; } = [];

    public int Count => Items.Count;

    /// <summary>True while the list has room or <paramref name="id"/> is closer than its farthest entry.</summary>
    public bool IsCloser(in NodeId id) =>
        Items.Count < _k || Target.CompareDistance(id, Items[^1].From.Id!.Value) < 0;

    /// <summary>
    /// True when a reply from <paramref name="peer"/> could enter the list: it is closer (see
    /// <see cref="IsCloser"/>) and its /24 has room or it is closer than that /24's farthest reply.
    /// </summary>
    public bool IsWorthVisiting(in DhtPeer peer)
    {
        var id = peer.Id!.Value;
        var address = peer.Endpoint.Address;
        if (!IsCloser(id))
        {
            return false;
        }

        if (!_shares.IsFull(address))
        {
            return true;
        }

        var j = FarthestOfSubnet(address);
        return j >= 0 && IsCloserThan(id, j);
    }

    /// <summary>
    /// Inserts <paramref name="reply"/> in distance order and keeps k; a second reply from an id already
    /// kept is ignored (the first stays, as in dht-rpc). A reply whose /24 is full replaces that /24's
    /// farthest when closer, and is refused (counted) otherwise.
    /// </summary>
    public void Push(DhtResponse reply)
    {
        var id = reply.From.Id!.Value;
        var address = reply.From.Endpoint.Address;
        if (_shares.IsFull(address) && IndexOf(id) < 0)
        {
            var j = FarthestOfSubnet(address);
            if (j < 0 || !IsCloserThan(id, j))
            {
                if (_refused is not null)
                {
                    _refused.ClosestOverSubnetShare++;
                }

                return;
            }

            _shares.Remove(Items[j].From.Endpoint.Address);
            Items.RemoveAt(j);
        }

        if (!Insert(reply, id))
        {
            return;
        }

        _shares.Add(address);
        if (Items.Count > _k)
        {
            _shares.Remove(Items[^1].From.Endpoint.Address);
            Items.RemoveAt(Items.Count - 1);
        }
    }

    /// <summary>Insertion from the end, as dht-rpc's _pushClosest; false when the id was already there.</summary>
    private bool Insert(DhtResponse reply, NodeId id)
    {
        var items = Items;
        items.Add(reply);
        for (var i = items.Count - 2; i >= 0; i--)
        {
            var previous = items[i];
            var cmp = Target.CompareDistance(previous.From.Id!.Value, id);
            if (cmp < 0)
            {
                break;
            }

            if (cmp == 0)
            {
                items.RemoveAt(i + 1);
                return false;
            }

            items[i + 1] = previous;
            items[i] = reply;
        }

        return true;
    }

    private bool IsCloserThan(in NodeId id, int index) => Target.CompareDistance(id, Items[index].From.Id!.Value) < 0;

    private int IndexOf(in NodeId id)
    {
        for (var i = 0; i < Items.Count; i++)
        {
            if (Items[i].From.Id == id)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The index of the farthest kept reply in the /24 of <paramref name="address"/>; -1 when none.</summary>
    private int FarthestOfSubnet(uint address)
    {
        for (var i = Items.Count - 1; i >= 0; i--)
        {
            if (AddressRanges.SameSubnet24(Items[i].From.Endpoint.Address, address))
            {
                return i;
            }
        }

        return -1;
    }
}
