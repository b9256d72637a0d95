namespace DhtRpc.Rpc;

/// <summary>
/// What the node's budgets (<see cref="Limits.NodeLimits"/>) held back: requests dropped over a rate,
/// replies to unproven addresses cut down or dropped, PING_NATs refused.
/// </summary>
public sealed class LimitStats
{
    private long _overSourceRate;

    /// <summary>Requests dropped because their source IP sent more than its budget.</summary>
    public long RequestsOverSourceRate => _overSourceRate + (Blocked?.Drops ?? 0);

    /// <summary>Where the receive thread drops requests of sources over budget (counted here too).</summary>
    internal Limits.BlockedSources? Blocked { get; set; }

    /// <summary>Requests dropped because all limited sources together sent more than the global budget.</summary>
    public long RequestsOverGlobalRate { get; internal set; }

    /// <summary>
    /// Replies larger than <see cref="Limits.NodeLimits.MaxUnprovenReplyBytes"/> to an address without a
    /// valid token, sent as a TOKEN_REQUIRED error with a token instead.
    /// </summary>
    public long RepliesCutToTokenRequired { get; internal set; }

    /// <summary>Replies dropped because the unproven destination's byte budget was spent.</summary>
    public long UnprovenRepliesOverBytes { get; internal set; }

    /// <summary>PING_NATs refused because their source asked more often than its budget.</summary>
    public long PingNatsOverRate { get; internal set; }

    /// <summary>PING_NATs refused because they named a port below 1024 (a service, never a node's socket).</summary>
    public long PingNatsToPrivilegedPorts { get; internal set; }

    internal void CountOverSourceRate() => _overSourceRate++;

    /// <summary>Every request or reply counted here.</summary>
    public long Total => RequestsOverSourceRate + RequestsOverGlobalRate + RepliesCutToTokenRequired + UnprovenRepliesOverBytes + PingNatsOverRate + PingNatsToPrivilegedPorts;
}
