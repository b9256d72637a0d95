using DhtRpc.Rpc;

namespace DhtRpc.Query;

/// <summary>Where a visit of a walk stands (see <see cref="SlowVisits"/>).</summary>
internal enum VisitState
{
    /// <summary>Waiting, within its deadline.</summary>
    Waiting,

    /// <summary>Past its first deadline: its slot went to another node, but the walk's end still waits for it.</summary>
    Slow,

    /// <summary>Past its first full timeout too: the walk may end without it.</summary>
    GivenUp,
}

/// <summary>The visits of one walk that turned slow or were given up, kept until the walk ends.</summary>
internal sealed class SlowVisits
{
    private readonly Dictionary<OutgoingRequest, VisitState> _visits = [];

    /// <summary>A visit's attempt timed out (or its hedge deadline passed): true when it just turned slow, false when it is now given up.</summary>
    public bool OnCycle(OutgoingRequest request)
    {
        if (_visits.TryGetValue(request, out var state) && state == VisitState.Slow)
        {
            _visits[request] = VisitState.GivenUp;
            return false;
        }

        _visits[request] = VisitState.Slow;
        return true;
    }

    /// <summary>The visit ended (answered or failed); returns where it stood.</summary>
    public VisitState Settle(OutgoingRequest request) =>
        _visits.TryGetValue(request, out var state) ? state : VisitState.Waiting;

    /// <summary>
    /// The walk is over: nodes that were slow and never answered are likely gone. Whoever named them
    /// hears a down hint and our table checks them, instead of both waiting for their next refresh.
    /// </summary>
    public void ReportUnanswered(QueryFrontier frontier, IQueryHost host)
    {
        foreach (var request in _visits.Keys)
        {
            if (!request.Destroyed)
            {
                frontier.MarkDown(request.To.Endpoint);
                host.OnVisitUnanswered(request.To);
            }
        }
    }
}
