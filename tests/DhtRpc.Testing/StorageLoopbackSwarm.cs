using DhtRpc.Wire;
using DhtRpc.Storage;
using DhtRpc.Storage.Stores;

namespace DhtRpc.Testing;

/// <summary>
/// Storage nodes on real loopback UDP: the first node is open, the rest bootstrap from it; each node gets its
/// store (and its <see cref="StorageNode"/>) right after construction, before it answers anyone.
/// </summary>
public sealed class StorageLoopbackSwarm : IAsyncDisposable
{
    private readonly Func<int, IItemStore> _createStore;

    private StorageLoopbackSwarm(Func<int, IItemStore> createStore, StorageOptions? options)
    {
        _createStore = createStore;
        Options = options;
    }

    public List<StorageNode> Nodes { get; } = [];

    public StorageOptions? Options { get; }

    public StorageNode this[int index] => Nodes[index];

    public string BootstrapEntry => $"localhost:{Nodes[0].Node.ServerEndpoint!.Value.Port}";

    public static async Task<StorageLoopbackSwarm> CreateAsync(int size, Func<int, IItemStore> createStore, StorageOptions? options = null, int parallel = 5)
    {
        var swarm = new StorageLoopbackSwarm(createStore, options);
        var first = swarm.Attach(0, new DhtNodeOptions { Host = "127.0.0.1", Ephemeral = false, Firewalled = false });
        await first.Node.FullyBootstrappedAsync();
        for (var i = 1; i < size; i += parallel)
        {
            var wave = Enumerable.Range(i, Math.Min(parallel, size - i)).Select(j => swarm.Attach(j, swarm.JoinOptions())).ToList();
            await Task.WhenAll(wave.Select(s => s.Node.FullyBootstrappedAsync()));
        }

        return swarm;
    }

    public static Ipv4Endpoint EndpointOf(StorageNode node) => Ipv4Endpoint.Loopback(node.Node.ServerEndpoint!.Value.Port);

    /// <summary>Options of a node joining this swarm (persistent, bootstrapping from the first node).</summary>
    public DhtNodeOptions JoinOptions() => new() { Host = "127.0.0.1", Ephemeral = false, Bootstrap = [BootstrapEntry] };

    /// <summary>Stops node <paramref name="index"/>: its storage node, its DHT node, then its store.</summary>
    public async Task StopAsync(int index)
    {
        var storage = Nodes[index];
        await storage.DisposeAsync();
        await storage.Node.DisposeAsync();
        storage.Store.Dispose();
    }

    /// <summary>Starts a new node in slot <paramref name="index"/> with a fresh store from the factory.</summary>
    public async Task<StorageNode> RestartAsync(int index, DhtNodeOptions options)
    {
        var storage = Attach(index, options);
        await storage.Node.FullyBootstrappedAsync();
        return storage;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var storage in Nodes.Where(s => !s.Node.Destroyed))
        {
            await storage.DisposeAsync();
            await storage.Node.DisposeAsync();
            storage.Store.Dispose();
        }
    }

    private StorageNode Attach(int index, DhtNodeOptions options)
    {
        var storage = new StorageNode(new DhtNode(options), _createStore(index), Options);
        if (index < Nodes.Count)
        {
            Nodes[index] = storage;
        }
        else
        {
            Nodes.Add(storage);
        }

        return storage;
    }
}
