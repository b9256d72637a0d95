using DhtRpc.Wire;
using DhtRpc.Simulation;
using DhtRpc.Storage;
using DhtRpc.Storage.Stores;

namespace DhtRpc.Testing;

/// <summary>
/// A <see cref="SimulatedSwarm"/> of storage nodes (in-memory stores, each attached before its node joins)
/// that can lose nodes and gain new ones.
/// </summary>
public sealed class SimulatedStorageSwarm
{
    private readonly StorageOptions? _options;

    public SimulatedStorageSwarm(int size, StorageOptions? options = null, int seed = 1)
    {
        _options = options;
        Swarm = new SimulatedSwarm(seed).Make(size, onCreated: node => Storage.Add(new StorageNode(node, new InMemoryItemStore(), options)));
    }

    public SimulatedSwarm Swarm { get; }

    public SimulationHost Host => Swarm.Host;

    public DhtNode this[int index] => Swarm[index];

    /// <summary>Storage nodes, index for index with <see cref="SimulatedSwarm.Nodes"/>.</summary>
    public List<StorageNode> Storage { get; } = [];

    public HashSet<int> Stopped { get; } = [];

    public IEnumerable<int> Alive => Enumerable.Range(0, Storage.Count).Where(i => !Stopped.Contains(i));

    /// <summary>Adds a storage node that joins through the first node and waits until it is fully bootstrapped.</summary>
    public StorageNode Join(DhtNodeOptions? options = null)
    {
        var node = Swarm.Add((options ?? new DhtNodeOptions()) with { Ephemeral = false, Bootstrap = [Swarm.BootstrapEntry] });
        var storage = new StorageNode(node, new InMemoryItemStore(), _options);
        Storage.Add(storage);
        Host.Run(node.FullyBootstrappedAsync);
        return storage;
    }

    /// <summary>Stops a node for good: its republish timer, its node (sockets closed, nothing more sent or answered).</summary>
    public void Stop(int index)
    {
        var storage = Storage[index];
        Host.Run(async () =>
        {
            await storage.DisposeAsync();
            await storage.Node.DisposeAsync();
        });
        Stopped.Add(index);
    }

    /// <summary>Live (unexpired) copies of a content key on the nodes that are still running.</summary>
    public int LiveHolders(NodeId key)
    {
        var now = Host.Now;
        return Alive.Count(i => Storage[i].Store.Get(ItemSpace.Content, key) is { } item && (item.ExpiresAt is not { } at || at > now));
    }

    /// <summary>The swarm and its storage nodes, for <c>var (swarm, storage) = new SimulatedStorageSwarm(…)</c>.</summary>
    public void Deconstruct(out SimulatedSwarm swarm, out List<StorageNode> storage)
    {
        swarm = Swarm;
        storage = Storage;
    }

    /// <summary>Runs <paramref name="body"/> over <paramref name="items"/>, <paramref name="parallel"/> at a time.</summary>
    public static async Task InBatchesAsync<T>(IReadOnlyList<T> items, int parallel, Func<T, int, Task> body)
    {
        for (var i = 0; i < items.Count; i += parallel)
        {
            var start = i;
            await Task.WhenAll(items.Skip(start).Take(parallel).Select((item, j) => body(item, start + j)));
        }
    }
}
