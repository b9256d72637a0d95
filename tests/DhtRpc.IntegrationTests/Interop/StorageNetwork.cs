using System.Globalization;
using DhtRpc.Wire;
using DhtRpc.Storage;
using DhtRpc.Storage.Stores;

namespace DhtRpc.IntegrationTests.Interop;

/// <summary>A C# node on 127.0.0.1 running the real storage layer over an in-memory store.</summary>
internal sealed class CsStorageNode : IAsyncDisposable
{
    private CsStorageNode(DhtNode node)
    {
        Storage = new StorageNode(node, new InMemoryItemStore());
    }

    public StorageNode Storage { get; }

    public DhtNode Node => Storage.Node;

    public IItemStore Store => Storage.Store;

    public int Port => Node.ServerEndpoint!.Value.Port;

    public Ipv4Endpoint Endpoint => Ipv4Endpoint.Loopback(Port);

    public string Address => $"127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}";

    public static async Task<CsStorageNode> BootstrapperAsync()
    {
        var port = FreePorts.Udp();
        var node = new CsStorageNode(DhtNode.CreateBootstrapper(port, "127.0.0.1", new DhtNodeOptions { Host = "127.0.0.1" }));
        await node.JoinAsync();
        return node;
    }

    /// <summary>A persistent storage node, awaited until fully bootstrapped.</summary>
    public static async Task<CsStorageNode> StartAsync(string bootstrap)
    {
        var node = new CsStorageNode(new DhtNode(new DhtNodeOptions { Host = "127.0.0.1", Ephemeral = false, Bootstrap = [bootstrap] }));
        await node.JoinAsync();
        return node;
    }

    /// <summary>The content held under <paramref name="key"/>, or null.</summary>
    public byte[]? Content(NodeId key) => Storage.Store.Get(ItemSpace.Content, key)?.Value;

    public async ValueTask DisposeAsync()
    {
        await Storage.DisposeAsync();
        await Node.DisposeAsync();
        Storage.Store.Dispose();
    }

    private async Task JoinAsync()
    {
        try
        {
            await Node.FullyBootstrappedAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }
}

/// <summary>A C# storage bootstrapper and storage nodes started by a test, disposed together.</summary>
internal sealed class StorageNetwork : IAsyncDisposable
{
    private readonly List<CsStorageNode> _nodes = [];

    /// <summary>Every storage node, the bootstrapper first.</summary>
    public IReadOnlyList<CsStorageNode> Nodes => _nodes;

    public CsStorageNode Bootstrapper => _nodes[0];

    public static async Task<StorageNetwork> StartAsync(int nodes)
    {
        var network = new StorageNetwork();
        try
        {
            network._nodes.Add(await CsStorageNode.BootstrapperAsync());
            for (var i = 0; i < nodes; i++)
            {
                network._nodes.Add(await CsStorageNode.StartAsync(network.Bootstrapper.Address));
            }
        }
        catch
        {
            await network.DisposeAsync();
            throw;
        }

        return network;
    }

    public CsStorageNode? ByPort(int port) => _nodes.FirstOrDefault(n => n.Port == port);

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
    }
}
