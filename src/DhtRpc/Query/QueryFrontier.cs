using DhtRpc.Rpc;
using DhtRpc.Wire;

namespace DhtRpc.Query;

/// <summary>
/// The nodes a walk has heard of: which are still to visit (the last added is visited first),
/// which replied or timed out, who referred whom, and each node's referral depth.
/// </summary>
internal sealed class QueryFrontier
{
    private readonly Dictionary<Ipv4Endpoint, SeenEntry> _seen = [];
    private readonly List<DhtPeer> _pending = [];

    // Referral depth of every node added: 1 for nodes we started from, referrer's depth + 1 otherwise.
    private readonly Dictionary<Ipv4Endpoint, int> _depths = [];
    private readonly ClosestReplies _closest;
    private readonly Action<DhtPeer, Ipv4Endpoint> _sendDownHint;

    /// <param name="closest">Decides whether a node is still worth visiting.</param>
    /// <param name="sendDownHint">Tells a referrer that a node it named is down.</param>
    public QueryFrontier(ClosestReplies closest, Action<DhtPeer, Ipv4Endpoint> sendDownHint)
    {
        _closest = closest;
        _sendDownHint = sendDownHint;
    }

    /// <summary>Nodes waiting to be visited.</summary>
    public int PendingCount => _pending.Count;

    /// <summary>
    /// Hears of <paramref name="peer"/> (named by <paramref name="referrer"/>, or a starting node).
    /// False when it is not closer than what the walk has: the caller stops adding the rest of a list.
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

        var seen = new SeenEntry();
        if (referrer is { } first)
        {
            seen.Referrers.Add(first);
        }

        _seen[peer.Endpoint] = seen;
        _depths[peer.Endpoint] = referrer is { } via && _depths.TryGetValue(via.Endpoint, out var depth) ? depth + 1 : 1;
        _pending.Add(peer);
        return true;
    }

    /// <summary>Takes the next node to visit (the most recently added).</summary>
    public DhtPeer Pop()
    {
        var next = _pending[^1];
        _pending.RemoveAt(_pending.Count - 1);
        return next;
    }

    /// <summary>The node replied.</summary>
    public void MarkDone(Ipv4Endpoint endpoint) => _seen[endpoint] = SeenEntry.Done;

    /// <summary>The node timed out: every node that named it gets a down hint.</summary>
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
}
