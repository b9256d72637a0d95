using DhtRpc.Simulation;

namespace DhtRpc.Testing;

/// <summary>
/// A swarm of nodes on one <see cref="SimulationHost"/>: the first node is open and force-persistent,
/// the rest bootstrap from it, each awaited in turn (dht-rpc's own test swarm, on the virtual network).
/// </summary>
public sealed class SimulatedSwarm
{
    private int _seed;

    public SimulatedSwarm(int seed = 1, SimulatedNetworkOptions? network = null)
    {
        _seed = seed;
        Host = new SimulationHost(network ?? new SimulatedNetworkOptions { Seed = seed });
    }

    public SimulationHost Host { get; }

    public List<DhtNode> Nodes { get; } = [];

    public DhtNode this[int index] => Nodes[index];

    /// <summary>A node's server socket as a loopback endpoint (where others reach it).</summary>
    public static DhtRpc.Wire.Ipv4Endpoint ServerOf(DhtNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return DhtRpc.Wire.Ipv4Endpoint.Loopback(node.ServerEndpoint!.Value.Port);
    }

    /// <summary>The bootstrap entry of the first node ("localhost:PORT").</summary>
    public string BootstrapEntry => $"localhost:{Nodes[0].ServerEndpoint!.Value.Port}";

    /// <summary>Options wired to this simulation: its clock, loop and network, and a fresh seeded Random.</summary>
    public DhtNodeOptions Options(DhtNodeOptions? options = null) => (options ?? new DhtNodeOptions()) with
    {
        Host = "127.0.0.1",
        Transport = Host.Network,
        TimeProvider = Host.Clock,
        Context = Host.Loop,
        Random = new Random(_seed++),
    };

    /// <summary>Creates a node on this simulation (not awaited).</summary>
    public DhtNode Add(DhtNodeOptions? options = null)
    {
        var node = new DhtNode(Options(options));
        Nodes.Add(node);
        return node;
    }

    /// <summary>Creates <paramref name="size"/> nodes as dht-rpc's makeSwarm does; <paramref name="onCreated"/> sees each before it joins.</summary>
    public SimulatedSwarm Make(int size, DhtNodeOptions? options = null, Action<DhtNode>? onCreated = null)
    {
        var baseOptions = (options ?? new DhtNodeOptions()) with { Ephemeral = false };
        var first = Add(baseOptions with { Firewalled = false });
        onCreated?.Invoke(first);
        Host.Run(first.FullyBootstrappedAsync);
        var bootstrap = new[] { BootstrapEntry };
        for (var i = 1; i < size; i++)
        {
            var node = Add(baseOptions with { Bootstrap = bootstrap });
            onCreated?.Invoke(node);
            Host.Run(node.FullyBootstrappedAsync);
        }

        return this;
    }

    public T Run<T>(Func<Task<T>> action) => Host.Run(action);

    public void Run(Func<Task> action) => Host.Run(action);
}
