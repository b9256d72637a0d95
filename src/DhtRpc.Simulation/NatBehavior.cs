namespace DhtRpc.Simulation;

/// <summary>How a simulated NAT maps and filters; see <see cref="SimulatedNetwork.AddNat"/>.</summary>
public enum NatBehavior
{
    /// <summary>Full cone: the public port equals the private one (when free) and anyone may send to it.</summary>
    Open,

    /// <summary>Port preserved, but inbound only from endpoints the socket has sent to.</summary>
    Firewalled,

    /// <summary>A new public port per destination, inbound only from that destination.</summary>
    Randomized,
}
