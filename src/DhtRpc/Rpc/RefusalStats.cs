namespace DhtRpc.Rpc;

/// <summary>Requests the node did not act on because a bound on the work it keeps for others was reached.</summary>
public sealed class RefusalStats
{
    /// <summary>DELAYED_PINGs asking for a longer delay than <see cref="DhtNodeOptions.MaxPingDelay"/> (left unanswered, as dht-rpc does).</summary>
    public long DelayedPingsTooLong { get; internal set; }

    /// <summary>DELAYED_PINGs from an address that already has <see cref="DhtNodeOptions.MaxDelayedPingsPerSource"/> replies pending.</summary>
    public long DelayedPingsOverSource { get; internal set; }

    /// <summary>DELAYED_PINGs refused because <see cref="DhtNodeOptions.MaxDelayedPings"/> replies were pending in all.</summary>
    public long DelayedPingsOverTotal { get; internal set; }

    /// <summary>Every refusal counted here.</summary>
    public long Total => DelayedPingsTooLong + DelayedPingsOverSource + DelayedPingsOverTotal;
}
