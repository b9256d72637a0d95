using DhtRpc.Rpc;

namespace DhtRpc.Query;

/// <summary>The visits of one walk that turned slow (hedged or timed out once), kept until the walk ends.</summary>
internal sealed class SlowVisits
{
    private readonly List<OutgoingRequest> _requests = [];

    public void Add(OutgoingRequest request) => _requests.Add(request);

    /// <summary>
    /// The walk is over: nodes that were slow and never answered are likely gone. Whoever named them
    /// hears a down hint and our table checks them, instead of both waiting for their next refresh.
    /// </summary>
    public void ReportUnanswered(QueryFrontier frontier, IQueryHost host)
    {
        foreach (var request in _requests)
        {
            if (!request.Destroyed)
            {
                frontier.MarkDown(request.To.Endpoint);
                host.OnVisitUnanswered(request.To);
            }
        }

        _requests.Clear();
    }
}
