namespace DhtRpc.Rpc;

/// <summary>
/// Requests the node did not act on because a bound on the work it keeps for others was reached, and
/// nodes kept out of its routing table or a query's closest set because their address already held its
/// share (<see cref="Limits.DiversityLimits"/>).
/// </summary>
public sealed class RefusalStats
{
    /// <summary>DELAYED_PINGs asking for a longer delay than <see cref="DhtNodeOptions.MaxPingDelay"/> (left unanswered, as dht-rpc does).</summary>
    public long DelayedPingsTooLong { get; internal set; }

    /// <summary>DELAYED_PINGs from an address that already has <see cref="DhtNodeOptions.MaxDelayedPingsPerSource"/> replies pending.</summary>
    public long DelayedPingsOverSource { get; internal set; }

    /// <summary>DELAYED_PINGs refused because <see cref="DhtNodeOptions.MaxDelayedPings"/> replies were pending in all.</summary>
    public long DelayedPingsOverTotal { get; internal set; }

    /// <summary>
    /// Times a node was not added to the routing table because its IP already held
    /// <see cref="Limits.DiversityLimits.PerIpInRow"/> entries of its row or
    /// <see cref="Limits.DiversityLimits.PerIpInTable"/> of the table. A node is counted each time it is
    /// heard from while over its share.
    /// </summary>
    public long TableEntriesOverIpShare { get; internal set; }

    /// <summary>
    /// Times a node was not added to the routing table because its /24 already held
    /// <see cref="Limits.DiversityLimits.PerSubnetInRow"/> entries of its row or
    /// <see cref="Limits.DiversityLimits.PerSubnetInTable"/> of the table (its IP being within its own share).
    /// </summary>
    public long TableEntriesOverSubnetShare { get; internal set; }

    /// <summary>
    /// Replies a query kept out of its closest set (results and commit targets) because their /24 held
    /// <see cref="Limits.DiversityLimits.PerSubnetInClosest"/> closer ones already.
    /// </summary>
    public long ClosestOverSubnetShare { get; internal set; }

    /// <summary>
    /// Referred nodes a query did not queue for a visit because their /24 already had
    /// <see cref="Limits.DiversityLimits.PerSubnetInClosest"/> closer ones in its closest set, or as
    /// many closer ones queued or in flight.
    /// </summary>
    public long CandidatesOverSubnetShare { get; internal set; }

    /// <summary>Every refusal counted here.</summary>
    public long Total =>
        DelayedPingsTooLong + DelayedPingsOverSource + DelayedPingsOverTotal +
        TableEntriesOverIpShare + TableEntriesOverSubnetShare + ClosestOverSubnetShare + CandidatesOverSubnetShare;
}
