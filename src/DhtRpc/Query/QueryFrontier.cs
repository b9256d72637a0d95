using DhtRpc.Limits;
using DhtRpc.Rpc;
using DhtRpc.Wire;

namespace DhtRpc.Query;

/// <summary>
/// The nodes a walk has heard of: which are still to visit (the last added is visited first),
/// which replied or timed out, who referred whom, and each node's referral depth.
/// </summary>
/// <remarks>
/// With limits, a referred node is queued only while its /24 has fewer than
/// <see cref="DiversityLimits.PerSubnetInClosest"/> nodes queued or in flight, or when it is closer
/// than that /24's farthest queued one, which it replaces. The closest set's own share already keeps
/// the results honest; this bound keeps a network that names only its own ports from taking every
/// visit slot of the walk first (and a walk from visiting dozens of them), so that honest candidates
/// are asked at once. Nodes the walk starts from are always queued: the caller chose them.
/// </remarks>
internal sealed class QueryFrontier
{
    private readonly Dictionary<Ipv4Endpoint, SeenEntry> _seen = [];
    private readonly List<DhtPeer> _pending = [];

    // Referral depth of every node added: 1 for nodes we started from, referrer's depth + 1 otherwise.
    private readonly Dictionary<Ipv4Endpoint, int> _depths = [];
    private readonly ClosestReplies _closest;
    private readonly Action<DhtPeer, Ipv4Endpoint> _sendDownHint;
    private readonly SubnetShare _outstanding;
    private readonly RefusalStats? _refused;

    /// <param name="closest">Decides whether a node is still worth visiting.</param>
    /// <param name="sendDownHint">Tells a referrer that a node it named is down.</param>
    /// <param name="limits">The /24 share of queued and in-flight visits; null bounds none (dht-rpc).</param>
    /// <param name="refused">Counts referred nodes kept out by the share.</param>
    public QueryFrontier(ClosestReplies closest, Action<DhtPeer, Ipv4Endpoint> sendDownHint, NodeLimits? limits = null, RefusalStats? refused = null)
    {
        _closest = closest;
        _sendDownHint = sendDownHint;
        _outstanding = new SubnetShare(limits);
        _refused = refused;
    }

    /// <summary>Nodes waiting to be visited.</summary>
    public int PendingCount => _pending.Count;

    /// <summary>
    /// Hears of <paramref name="peer"/> (named by <paramref name="referrer"/>, or a starting node).
    /// False when it is not closer than what the walk has: the caller stops adding the rest of a list.
    /// A referred node over its /24's share is left out (counted) and true returned: the rest of the
    /// list may be of other networks.
    /// </summary>
    public bool Add(DhtPeer peer, DhtPeer? referrer)
    {
        var isCloser = _closest.IsCloser(peer.Id!.Value);
        if (_seen.TryGetValue(peer.Endpoint, out var entry))
        {
            switch (entry.State)
            {
                case SeenState.Done:
                    return isCloser;
                case SeenState.Down:
                    if (referrer is { } downReferrer)
                    {
                        _sendDownHint(downReferrer, peer.Endpoint);
                    }

                    return isCloser;
                default:
                    if (referrer is { } r)
                    {
                        entry.Referrers.Add(r);
                    }

                    return isCloser;
            }
        }

        if (!isCloser)
        {
            return false;
        }

        if (referrer is not null && !MakeRoomFor(peer))
        {
            if (_refused is not null)
            {
                _refused.CandidatesOverSubnetShare++;
            }

            return true;
        }

        var seen = new SeenEntry();
        if (referrer is { } first)
        {
            seen.Referrers.Add(first);
        }

        _seen[peer.Endpoint] = seen;
        _depths[peer.Endpoint] = referrer is { } via && _depths.TryGetValue(via.Endpoint, out var depth) ? depth + 1 : 1;
        _pending.Add(peer);
        _outstanding.Add(peer.Endpoint.Address);
        return true;
    }

    /// <summary>
    /// Takes the next node to visit (the most recently added), skipping those whose reply could no
    /// longer enter the closest set; false when none is left.
    /// </summary>
    public bool TryPop(out DhtPeer next)
    {
        while (_pending.Count > 0)
        {
            next = _pending[^1];
            _pending.RemoveAt(_pending.Count - 1);
            if (_closest.IsWorthVisiting(next))
            {
                return true;
            }

            _outstanding.Remove(next.Endpoint.Address);
        }

        next = default;
        return false;
    }

    /// <summary>The node replied.</summary>
    public void MarkDone(Ipv4Endpoint endpoint)
    {
        _seen[endpoint] = SeenEntry.Done;
        _outstanding.Remove(endpoint.Address);
    }

    /// <summary>The visit failed; when it timed out, every node that named it gets a down hint.</summary>
    public void MarkFailed(Ipv4Endpoint endpoint, bool timedOut)
    {
        _outstanding.Remove(endpoint.Address);
        if (timedOut)
        {
            MarkDown(endpoint);
        }
    }

    /// <summary>The node is taken for down: every node that named it gets a down hint.</summary>
    public void MarkDown(Ipv4Endpoint endpoint)
    {
        if (!_seen.TryGetValue(endpoint, out var entry))
        {
            return;
        }

        _seen[endpoint] = SeenEntry.Down;
        foreach (var referrer in entry.Referrers)
        {
            _sendDownHint(referrer, endpoint);
        }
    }

    /// <summary>How many referrals led to <paramref name="endpoint"/> (0 when unknown).</summary>
    public int DepthOf(Ipv4Endpoint endpoint) => _depths.GetValueOrDefault(endpoint);

    /// <summary>
    /// Whether <paramref name="peer"/> may be queued: its reply could enter the closest set, and its /24
    /// has room among the queued and in-flight visits or it is closer than the /24's farthest queued
    /// node, which is then forgotten (a later referral may bring it back).
    /// </summary>
    private bool MakeRoomFor(in DhtPeer peer)
    {
        if (!_closest.IsWorthVisiting(peer))
        {
            return false;
        }

        var address = peer.Endpoint.Address;
        if (!_outstanding.IsFull(address))
        {
            return true;
        }

        var farthest = -1;
        for (var i = 0; i < _pending.Count; i++)
        {
            var queued = _pending[i];
            if (AddressRanges.SameSubnet24(queued.Endpoint.Address, address) &&
                (farthest < 0 || _closest.Target.CompareDistance(queued.Id!.Value, _pending[farthest].Id!.Value) > 0))
            {
                farthest = i;
            }
        }

        if (farthest < 0 || _closest.Target.CompareDistance(peer.Id!.Value, _pending[farthest].Id!.Value) >= 0)
        {
            return false;
        }

        var evicted = _pending[farthest].Endpoint;
        _pending.RemoveAt(farthest);
        _seen.Remove(evicted);
        _depths.Remove(evicted);
        _outstanding.Remove(evicted.Address);
        return true;
    }
}
