namespace DhtRpc.Rpc;

/// <summary>Request counters, as dht-rpc's <c>stats.requests</c>.</summary>
public sealed class RequestStats
{
    /// <summary>Requests in flight now.</summary>
    public long Active { get; internal set; }

    /// <summary>Requests created since the node started.</summary>
    public long Total { get; internal set; }

    /// <summary>Requests a response matched.</summary>
    public long Responses { get; internal set; }

    /// <summary>Requests that ran out of retries.</summary>
    public long Timeouts { get; internal set; }

    /// <summary>Retransmissions after an attempt timed out.</summary>
    public long Retries { get; internal set; }

    /// <summary>Requests sent again with the token a TOKEN_REQUIRED reply carried.</summary>
    public long TokenRetries { get; internal set; }

    /// <summary>Sends (first ones and retransmissions) that found the congestion window full and waited in the send queue.</summary>
    public long CongestionWaits { get; internal set; }
}

/// <summary>Internal requests sent (Tx) and responses received for them (Rx), per built-in command.</summary>
public sealed class CommandStats
{
    /// <summary>Requests sent.</summary>
    public long Tx { get; internal set; }

    /// <summary>Responses received.</summary>
    public long Rx { get; internal set; }
}

/// <summary>Query counters.</summary>
public sealed class QueryStats
{
    /// <summary>Queries running now.</summary>
    public long Active { get; internal set; }

    /// <summary>Queries started since the node started.</summary>
    public long Total { get; internal set; }
}

/// <summary>What arrived that the node would not act on, by reason. Nothing is dropped uncounted.</summary>
public sealed class DropStats
{
    /// <summary>Shorter than 2 bytes or from port 0.</summary>
    public long TooShort { get; internal set; }

    /// <summary>First byte is neither a request nor a response of version 3.</summary>
    public long UnknownType { get; internal set; }

    /// <summary>A field was truncated or out of range.</summary>
    public long Malformed { get; internal set; }

    /// <summary>A response whose tid matches no request in flight (late, duplicate or forged).</summary>
    public long UnmatchedResponses { get; internal set; }

    /// <summary>Arrived while suspended.</summary>
    public long WhileSuspended { get; internal set; }

    /// <summary>A request carried a token that does not verify (answered with INVALID_TOKEN).</summary>
    public long InvalidTokens { get; internal set; }

    /// <summary>The user request handler threw; the request was answered with nothing.</summary>
    public long HandlerErrors { get; internal set; }

    /// <summary>Datagrams dropped without being acted on (too short, unknown type, malformed, unmatched, while suspended).</summary>
    public long Total => TooShort + UnknownType + Malformed + UnmatchedResponses + WhileSuspended;
}

/// <summary>All counters of a node.</summary>
public sealed class DhtStats
{
    /// <summary>Requests we sent.</summary>
    public RequestStats Requests { get; } = new();

    /// <summary>Queries we ran.</summary>
    public QueryStats Queries { get; } = new();

    /// <summary>PING traffic we started.</summary>
    public CommandStats Ping { get; } = new();

    /// <summary>PING_NAT traffic we started.</summary>
    public CommandStats PingNat { get; } = new();

    /// <summary>FIND_NODE traffic we started.</summary>
    public CommandStats FindNode { get; } = new();

    /// <summary>DOWN_HINT traffic we started.</summary>
    public CommandStats DownHint { get; } = new();

    /// <summary>What arrived and was not acted on.</summary>
    public DropStats Dropped { get; } = new();

    /// <summary>Requests refused because a bound on the node's work was reached.</summary>
    public RefusalStats Refused { get; } = new();

    /// <summary>Requests and replies held back by the node's budgets.</summary>
    public LimitStats Limited { get; } = new();

    /// <summary>Per-command counts kept only for a node's meter (see <see cref="DhtNodeOptions.Meter"/>); null without one.</summary>
    internal Metrics.CommandTraffic? Traffic { get; set; }

    /// <summary>
    /// Every counter of what arrived and was not acted on, was refused or was held back by a limit,
    /// by name ("dropped.malformed", "limited.requestsOverSourceRate", ...), for reports and metrics.
    /// </summary>
    public IReadOnlyDictionary<string, long> Counters() => new Dictionary<string, long>
    {
        ["dropped.tooShort"] = Dropped.TooShort,
        ["dropped.unknownType"] = Dropped.UnknownType,
        ["dropped.malformed"] = Dropped.Malformed,
        ["dropped.unmatchedResponses"] = Dropped.UnmatchedResponses,
        ["dropped.whileSuspended"] = Dropped.WhileSuspended,
        ["dropped.invalidTokens"] = Dropped.InvalidTokens,
        ["dropped.handlerErrors"] = Dropped.HandlerErrors,
        ["refused.delayedPingsTooLong"] = Refused.DelayedPingsTooLong,
        ["refused.delayedPingsOverSource"] = Refused.DelayedPingsOverSource,
        ["refused.delayedPingsOverTotal"] = Refused.DelayedPingsOverTotal,
        ["refused.tableEntriesOverIpShare"] = Refused.TableEntriesOverIpShare,
        ["refused.tableEntriesOverSubnetShare"] = Refused.TableEntriesOverSubnetShare,
        ["refused.closestOverSubnetShare"] = Refused.ClosestOverSubnetShare,
        ["refused.candidatesOverSubnetShare"] = Refused.CandidatesOverSubnetShare,
        ["limited.requestsOverSourceRate"] = Limited.RequestsOverSourceRate,
        ["limited.requestsOverGlobalRate"] = Limited.RequestsOverGlobalRate,
        ["limited.repliesCutToTokenRequired"] = Limited.RepliesCutToTokenRequired,
        ["limited.unprovenRepliesOverBytes"] = Limited.UnprovenRepliesOverBytes,
        ["limited.pingNatsOverRate"] = Limited.PingNatsOverRate,
        ["limited.pingNatsToPrivilegedPorts"] = Limited.PingNatsToPrivilegedPorts,
        ["requests.total"] = Requests.Total,
        ["requests.timeouts"] = Requests.Timeouts,
        ["requests.tokenRetries"] = Requests.TokenRetries,
    };

    internal CommandStats? ForCommand(bool isInternal, ulong command) => !isInternal ? null : command switch
    {
        Commands.Ping => Ping,
        Commands.PingNat => PingNat,
        Commands.FindNode => FindNode,
        Commands.DownHint => DownHint,
        _ => null,
    };
}
