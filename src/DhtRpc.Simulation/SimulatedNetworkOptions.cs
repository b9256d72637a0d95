namespace DhtRpc.Simulation;

/// <summary>The link model of a <see cref="SimulatedNetwork"/>; the seed makes loss and jitter reproducible.</summary>
public sealed record SimulatedNetworkOptions
{
    /// <summary>One-way delay of every datagram.</summary>
    public TimeSpan Latency { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Extra delay drawn uniformly from [0, Jitter) per datagram; can reorder datagrams, like UDP.</summary>
    public TimeSpan Jitter { get; init; } = TimeSpan.Zero;

    /// <summary>Chance, from 0 to 1, that a datagram is lost.</summary>
    public double LossProbability { get; init; }

    /// <summary>Seed of the random source used for loss and jitter.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>The host a bind to 0.0.0.0 gets (big-endian, 127.0.0.1 by default).</summary>
    public uint WildcardHost { get; init; } = 0x7F000001;

    /// <summary>First port handed out for binds to port 0.</summary>
    public ushort FirstEphemeralPort { get; init; } = 20000;

    /// <summary>Last port handed out for binds to port 0.</summary>
    public ushort LastEphemeralPort { get; init; } = 65535;
}
