using DhtRpc.Limits;
using DhtRpc.Simulation;
using DhtRpc.Wire;

namespace DhtRpc.Tests.Scenarios;

/// <summary>
/// Honest nodes on public addresses of the simulated network, each on a /24 of its own (93.0.i.1), so
/// that the diversity limits apply to them. They join one by one, each seeded with a few earlier ones
/// (no central bootstrap node).
/// </summary>
internal sealed class PublicNetwork
{
    public const ushort Port = 10000;

    private readonly NodeLimits? _limits;
    private readonly int _seed;
    private readonly Random _random;

    public PublicNetwork(int count, NodeLimits? limits, int seed = 5)
    {
        _limits = limits;
        _seed = seed;
        _random = new Random(seed);
        Host = new SimulationHost(new SimulatedNetworkOptions { Seed = seed });
        for (var i = 0; i < count; i++)
        {
            Join();
        }
    }

    public SimulationHost Host { get; }

    public List<DhtNode> Nodes { get; } = [];

    /// <summary>The attacker, when the scenario has one.</summary>
    public SybilPorts? Sybil { get; set; }

    /// <summary>Adds the next node, seeded with up to three random earlier ones, and waits for it to join.</summary>
    public DhtNode Join()
    {
        var i = Nodes.Count;
        var seeds = Enumerable.Range(0, Math.Min(i, 3)).Select(_ => EndpointOf(_random.Next(i))).ToList();
        var host = EndpointOf(i).Host;
        var node = DhtNode.CreateBootstrapper(Port, host, new DhtNodeOptions
        {
            Host = host,
            Nodes = seeds,
            Limits = _limits,
            Transport = Host.Network,
            TimeProvider = Host.Clock,
            Context = Host.Loop,
            Random = new Random((_seed * 1000) + i),
        });
        Nodes.Add(node);
        Host.Run(node.FullyBootstrappedAsync);
        return node;
    }

    /// <summary>Where node <paramref name="index"/> listens: 93.0.index.1.</summary>
    public static Ipv4Endpoint EndpointOf(int index) => new(0x5D000001u + ((uint)index << 8), Port);
}
