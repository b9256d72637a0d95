using System.Globalization;
using DhtRpc.Storage.HyperDht;
using DhtRpc.Storage.Protocol;

namespace DhtRpc.IntegrationTests.Interop;

/// <summary>Our bootstrap and nodes on real loopback UDP, every one serving hyperdht's family.</summary>
internal sealed class HyperDhtLoopbackNetwork : IAsyncDisposable
{
    private readonly List<DhtNode> _nodes = [];

    private HyperDhtLoopbackNetwork(string entry)
    {
        Entry = entry;
    }

    /// <summary>The bootstrap's address, host:port.</summary>
    public string Entry { get; }

    public List<HyperDhtFamily> Families { get; } = [];

    public static async Task<HyperDhtLoopbackNetwork> CreateAsync(int nodes)
    {
        var port = FreePorts.Udp();
        var network = new HyperDhtLoopbackNetwork($"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        await network.ServeAsync(DhtNode.CreateBootstrapper(port, "127.0.0.1", new DhtNodeOptions { Host = "127.0.0.1" }));
        for (var i = 0; i < nodes; i++)
        {
            await network.ServeAsync(new DhtNode(new DhtNodeOptions { Host = "127.0.0.1", Ephemeral = false, Bootstrap = [network.Entry] }));
        }

        return network;
    }

    /// <summary>An ephemeral node of ours on the network, for a client.</summary>
    public async Task<DhtNode> ClientAsync()
    {
        var client = new DhtNode(new DhtNodeOptions { Host = "127.0.0.1", Ephemeral = true, Bootstrap = [Entry] });
        _nodes.Add(client);
        await client.FullyBootstrappedAsync();
        return client;
    }

    /// <summary>What every family of the network did, summed.</summary>
    public (long Announces, long MutablePuts, long ImmutablePuts, long Relayed) Totals() =>
        (Families.Sum(f => f.Stats.Announces), Families.Sum(f => f.Stats.MutablePuts), Families.Sum(f => f.Stats.ImmutablePuts), Families.Sum(f => f.Stats.Relayed));

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.DisposeAsync();
        }
    }

    private async Task ServeAsync(DhtNode node)
    {
        var table = new CommandTable();
        var family = new HyperDhtFamily(node);
        family.Install(table);
        node.RequestHandler = table.Dispatch;
        _nodes.Add(node);
        Families.Add(family);
        await node.FullyBootstrappedAsync();
    }
}
