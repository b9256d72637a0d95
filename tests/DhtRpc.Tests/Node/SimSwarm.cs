using DhtRpc.Encoding;
using DhtRpc.Simulation;

namespace DhtRpc.Tests.Node;

/// <summary>
/// dht-rpc's makeSwarm on the simulated network: every node shares one virtual clock and one loop,
/// so a swarm of hundreds runs deterministically on the test thread.
/// </summary>
internal sealed class SimSwarm
{
    private int _seed;

    public SimSwarm(int seed = 1, SimulatedNetworkOptions? network = null)
    {
        _seed = seed;
        Host = new SimulationHost(network ?? new SimulatedNetworkOptions { Seed = seed });
    }

    public SimulationHost Host { get; }

    public List<DhtNode> Nodes { get; } = [];

    public DhtNode this[int index] => Nodes[index];

    public static Ipv4Endpoint ServerOf(DhtNode node) => Ipv4Endpoint.Loopback(node.ServerEndpoint!.Value.Port);

    /// <summary>Options wired to this simulation (clock, loop, network, a fresh seeded Random).</summary>
    public DhtNodeOptions Options(DhtNodeOptions? options = null) => (options ?? new DhtNodeOptions()) with
    {
        Host = "127.0.0.1",
        Transport = Host.Network,
        TimeProvider = Host.Clock,
        Context = Host.Loop,
        Random = new Random(_seed++),
    };

    /// <summary>Creates a node (not yet awaited).</summary>
    public DhtNode Add(DhtNodeOptions? options = null)
    {
        var node = new DhtNode(Options(options));
        Nodes.Add(node);
        return node;
    }

    /// <summary>makeSwarm(n): first node open and force-persistent, the rest bootstrapped from it one by one.</summary>
    public SimSwarm Make(int size, DhtNodeOptions? options = null)
    {
        var baseOptions = (options ?? new DhtNodeOptions()) with { Ephemeral = false };
        var first = Add(baseOptions with { Firewalled = false });
        Host.Run(first.FullyBootstrappedAsync);
        var bootstrap = new[] { $"localhost:{first.ServerEndpoint!.Value.Port}" };
        for (var i = 1; i < size; i++)
        {
            var node = Add(baseOptions with { Bootstrap = bootstrap });
            Host.Run(node.FullyBootstrappedAsync);
        }

        return this;
    }

    public T Run<T>(Func<Task<T>> action) => Host.Run(action);

    public void Run(Func<Task> action) => Host.Run(action);
}
