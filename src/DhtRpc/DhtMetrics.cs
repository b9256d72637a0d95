namespace DhtRpc;

/// <summary>
/// The names of the instruments a <see cref="DhtNode"/> creates on <see cref="DhtNodeOptions.Meter"/>, and
/// of their tags. docs/metrics.md describes each one and the Prometheus name an exporter gives it.
/// </summary>
public static class DhtMetrics
{
    /// <summary>The name a host gives the meter it passes in <see cref="DhtNodeOptions.Meter"/>.</summary>
    public const string MeterName = "DhtRpc";

    /// <summary>Counter, <c>{request}</c>, tag <see cref="CommandTag"/>: requests this node created and sent.</summary>
    public const string RequestsSent = "dht.requests.sent";

    /// <summary>Counter, <c>{response}</c>, tag <see cref="CommandTag"/>: responses that matched a request of this node.</summary>
    public const string ResponsesReceived = "dht.responses.received";

    /// <summary>Counter, <c>{request}</c>, tag <see cref="CommandTag"/>: requests from others that this node decoded and handled.</summary>
    public const string RequestsReceived = "dht.requests.received";

    /// <summary>Counter, <c>{request}</c>: requests that ran out of retries without a response.</summary>
    public const string RequestTimeouts = "dht.requests.timeouts";

    /// <summary>Counter, <c>{retry}</c>: retransmissions after an attempt timed out.</summary>
    public const string RequestRetries = "dht.requests.retries";

    /// <summary>Counter, <c>{request}</c>: requests sent again with the token a TOKEN_REQUIRED reply carried.</summary>
    public const string RequestTokenRetries = "dht.requests.token_retries";

    /// <summary>UpDownCounter, <c>{request}</c>: requests in flight now.</summary>
    public const string RequestsActive = "dht.requests.active";

    /// <summary>Counter, <c>{query}</c>: iterative queries started.</summary>
    public const string QueriesStarted = "dht.queries.started";

    /// <summary>UpDownCounter, <c>{query}</c>: iterative queries running now.</summary>
    public const string QueriesActive = "dht.queries.active";

    /// <summary>Histogram, <c>s</c>, tags <see cref="CommandTag"/> and (on failure) <see cref="ErrorTypeTag"/>: how long queries ran.</summary>
    public const string QueryDuration = "dht.query.duration";

    /// <summary>Counter, <c>{message}</c>, tag <see cref="ReasonTag"/>: what arrived and was not acted on (<c>dropped.*</c> of <see cref="Rpc.DhtStats.Counters"/>).</summary>
    public const string Dropped = "dht.dropped";

    /// <summary>Counter, <c>{refusal}</c>, tag <see cref="ReasonTag"/>: work refused at a bound (<c>refused.*</c> of <see cref="Rpc.DhtStats.Counters"/>).</summary>
    public const string Refused = "dht.refused";

    /// <summary>Counter, <c>{message}</c>, tag <see cref="ReasonTag"/>: requests and replies held back by a budget (<c>limited.*</c> of <see cref="Rpc.DhtStats.Counters"/>).</summary>
    public const string Limited = "dht.limited";

    /// <summary>UpDownCounter, <c>{node}</c>: nodes in the routing table.</summary>
    public const string RoutingTableSize = "dht.routing_table.size";

    /// <summary>Counter, <c>{send}</c>: sends that found the congestion window full and waited in the send queue.</summary>
    public const string CongestionWaits = "dht.congestion.waits";

    /// <summary>UpDownCounter, <c>{send}</c>: sends waiting in the send queue now.</summary>
    public const string CongestionQueued = "dht.congestion.queued";

    /// <summary>
    /// Tag: the command. Built-in commands by name (<c>ping</c>, <c>ping_nat</c>, <c>find_node</c>,
    /// <c>down_hint</c>, <c>delayed_ping</c>, <c>other_internal</c>); user commands by number, 0 to 255,
    /// and <c>other</c> above.
    /// </summary>
    public const string CommandTag = "command";

    /// <summary>Tag: why a message was dropped, refused or limited (the counter's name after its prefix, e.g. <c>malformed</c>).</summary>
    public const string ReasonTag = "reason";

    /// <summary>Tag: how a query failed (the <see cref="DhtErrorCode"/> text, e.g. <c>TOO_FEW_NODES</c>); absent when it succeeded.</summary>
    public const string ErrorTypeTag = "error.type";
}
