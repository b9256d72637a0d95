using DhtRpc.Query;
using DhtRpc.Routing;
using DhtRpc.Rpc;
using DhtRpc.Wire;

namespace DhtRpc;

/// <summary>What queries see of the node (<see cref="IQueryHost"/>).</summary>
public sealed partial class DhtNode
{
    int IQueryHost.K => Table.K;

    int IQueryHost.Concurrency => Options.Concurrency;

    QueryStats IQueryHost.QueryStats => Stats.Queries;

    Limits.NodeLimits? IQueryHost.Limits => Options.Limits;

    RefusalStats IQueryHost.Refused => Stats.Refused;

    List<RoutingNode> IQueryHost.Closest(NodeId target, int count) => Table.Closest(target, count);

    IAsyncEnumerable<DhtPeer> IQueryHost.ResolveBootstrapNodesAsync() => _bootstrap.ResolveAsync();

    bool IQueryHost.AcceptsPeer(Ipv4Endpoint endpoint) => _keeper.AcceptsPeer(endpoint);

    bool IQueryHost.TryTakeDownHintBudget() => TryTakeDownHintBudget();

    OutgoingRequest? IQueryHost.Send(DhtPeer to, in RequestParams request, Action<DhtResponse, OutgoingRequest>? onResponse, Action<DhtException, OutgoingRequest>? onError, Action<OutgoingRequest>? prepare) =>
        Io.Send(to, request, onResponse, onError, prepare);

    Task<DhtResponse> IQueryHost.RequestAsync(DhtRequest request, Ipv4Endpoint to, CancellationToken cancellationToken) =>
        RequestAsync(request, to, cancellationToken: cancellationToken);

    Task IQueryHost.RunOnContextAsync(Action action) => _context.RunAsync(action);

    bool IQueryHost.Hedging => Options.Hedging is not null;

    TimeSpan? IQueryHost.SlowVisitAfter =>
        Options.Hedging is { } hedging && Io.RoundTrips.Upper(hedging.Deviations) is { } upper
            ? (upper < hedging.Min ? hedging.Min : upper > hedging.Max ? hedging.Max : upper)
            : null;

    long IQueryHost.QueryStarted() => _instruments is null ? 0 : Options.TimeProvider.GetTimestamp();

    void IQueryHost.QueryEnded(DhtQuery query, long started, Exception? error) =>
        _instruments?.RecordQuery(query, Options.TimeProvider.GetElapsedTime(started), error);

    void IQueryHost.OnVisitUnanswered(DhtPeer to)
    {
        if (to.Id is { } id)
        {
            _keeper.OnDownHint(id);
        }
    }
}
