using DhtRpc.Rpc;

namespace DhtRpc.Query;

/// <summary>Where a walk stands with one address it has heard of.</summary>
internal enum SeenState
{
    /// <summary>Queued or in flight; referrers are collected for down hints.</summary>
    Pending,

    /// <summary>It replied.</summary>
    Done,

    /// <summary>It timed out: later referrers get a down hint.</summary>
    Down,
}

/// <summary>A walk's record of one address: its state and, while pending, who referred it.</summary>
internal sealed class SeenEntry
{
    public static readonly SeenEntry Done = new(SeenState.Done);
    public static readonly SeenEntry Down = new(SeenState.Down);

    public SeenEntry(SeenState state = SeenState.Pending)
    {
        State = state;
    }

    public SeenState State { get; }

    public List<DhtPeer> Referrers { get; } = [];
}
