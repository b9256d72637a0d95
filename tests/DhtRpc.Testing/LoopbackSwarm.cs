using DhtRpc.Wire;

namespace DhtRpc.Testing;

/// <summary>
/// dht-rpc's test swarm on real loopback UDP: the first node is open (not firewalled) and the rest
/// bootstrap from it as "localhost:PORT", each awaited until fully bootstrapped.
/// </summary>
public sealed class LoopbackSwarm : IAsyncDisposable
{
    private LoopbackSwarm(List<DhtNode> nodes)
    {
        Nodes = nodes;
    }

    public List<DhtNode> Nodes { get; }

    public DhtNode this[int index] => Nodes[index];

    public DhtNode First => Nodes[0];

    public Ipv4Endpoint Entry => Ipv4Endpoint.Loopback(First.ServerEndpoint!.Value.Port);

    /// <summary>The bootstrap entry of the first node ("localhost:PORT").</summary>
    public string BootstrapEntry => $"localhost:{First.ServerEndpoint!.Value.Port}";

    public static async Task<LoopbackSwarm> CreateAsync(int size, DhtNodeOptions? options = null, int parallel = 1)
    {
        var baseOptions = (options ?? new DhtNodeOptions()) with { Host = "127.0.0.1", Ephemeral = false };
        var first = new DhtNode(baseOptions with { Firewalled = false });
        await first.FullyBootstrappedAsync();
        var nodes = new List<DhtNode> { first };
        var bootstrap = new[] { $"localhost:{first.ServerEndpoint!.Value.Port}" };
        for (var i = 1; i < size; i += parallel)
        {
            var wave = new List<DhtNode>();
            for (var j = i; j < Math.Min(size, i + parallel); j++)
            {
                wave.Add(new DhtNode(baseOptions with { Bootstrap = bootstrap }));
            }

            nodes.AddRange(wave);
            await Task.WhenAll(wave.Select(n => n.FullyBootstrappedAsync()));
        }

        return new LoopbackSwarm(nodes);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await node.DisposeAsync();
        }
    }
}
