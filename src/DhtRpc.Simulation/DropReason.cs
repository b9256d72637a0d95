namespace DhtRpc.Simulation;

/// <summary>Why a <see cref="SimulatedNetwork"/> dropped a datagram.</summary>
public enum DropReason
{
    /// <summary>Larger than <see cref="SimulatedNetwork.MaxDatagramSize"/>.</summary>
    Oversize,

    /// <summary>Sent from a disposed socket.</summary>
    SenderClosed,

    /// <summary>The sending or receiving socket or host was set offline.</summary>
    Offline,

    /// <summary>No route: loopback and non-loopback do not mix, and private hosts behind a NAT are hidden.</summary>
    Unreachable,

    /// <summary>Nothing bound at the destination when the datagram arrived.</summary>
    NoListener,

    /// <summary>The destination socket was bound but not started.</summary>
    NotStarted,

    /// <summary>Lost by the link model.</summary>
    Lost,

    /// <summary>Rejected by <see cref="SimulatedNetwork.LinkFilter"/>.</summary>
    Filtered,

    /// <summary>Unsolicited inbound datagram blocked by a NAT.</summary>
    NatFiltered,
}
