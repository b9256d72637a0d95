using DhtRpc.Routing;
using DhtRpc.Rpc;
using DhtRpc.Wire;

namespace DhtRpc.Query;

/// <summary>What an iterative query needs from the node it walks for. Used from the node's context.</summary>
internal interface IQueryHost
{
    /// <summary>The routing table's bucket size: how many closest replies a walk keeps.</summary>
    int K { get; }

    /// <summary>Our current table id; a walk never visits it.</summary>
    NodeId TableId { get; }

    /// <summary>The node's default concurrency.</summary>
    int Concurrency { get; }

    QueryStats QueryStats { get; }

    /// <summary>The node's limits: a walk's closest set and visits hold at most a share of one /24 (null: none).</summary>
    Limits.NodeLimits? Limits { get; }

    /// <summary>Where a walk counts the replies and candidates the limits kept out.</summary>
    RefusalStats Refused { get; }

    /// <summary>Up to <paramref name="count"/> table nodes closest to <paramref name="target"/>.</summary>
    List<RoutingNode> Closest(NodeId target, int count);

    /// <summary>The bootstrap list resolved to addresses.</summary>
    IAsyncEnumerable<DhtPeer> ResolveBootstrapNodesAsync();

    /// <summary>The node's filter: false for addresses it must not talk to.</summary>
    bool AcceptsPeer(Ipv4Endpoint endpoint);

    /// <summary>Takes one DOWN_HINT from this tick's budget; false when it is spent.</summary>
    bool TryTakeDownHintBudget();

    /// <summary>
    /// Sends one request of the walk, <paramref name="prepare"/> having set its retries and timing
    /// first; null when the node is destroyed (or down hints are off).
    /// </summary>
    OutgoingRequest? Send(DhtPeer to, in RequestParams request, Action<DhtResponse, OutgoingRequest>? onResponse, Action<DhtException, OutgoingRequest>? onError, Action<OutgoingRequest>? prepare = null);

    /// <summary>A user request, as <see cref="DhtNode.RequestAsync"/> sends it (auto-commit).</summary>
    Task<DhtResponse> RequestAsync(DhtRequest request, Ipv4Endpoint to, CancellationToken cancellationToken);

    /// <summary>A session for a query that brings none.</summary>
    DhtSession CreateSession();

    /// <summary>True when walks hedge (<see cref="DhtNodeOptions.Hedging"/>): slow visits are given up after their first full timeout.</summary>
    bool Hedging { get; }

    /// <summary>How long a visit may go unanswered before it stops holding the walk up; null = until its first timeout.</summary>
    TimeSpan? SlowVisitAfter { get; }

    /// <summary>A walk starts: the timestamp its duration is measured from, or 0 when the node measures none.</summary>
    long QueryStarted();

    /// <summary>A walk that <see cref="QueryStarted"/> stamped <paramref name="started"/> ended (<paramref name="error"/>: how it failed).</summary>
    void QueryEnded(DhtQuery query, long started, Exception? error);

    /// <summary>A visit was still unanswered when the walk ended: a table node gets checked.</summary>
    void OnVisitUnanswered(DhtPeer to);

    /// <summary>Runs <paramref name="action"/> on the node's context.</summary>
    Task RunOnContextAsync(Action action);
}
