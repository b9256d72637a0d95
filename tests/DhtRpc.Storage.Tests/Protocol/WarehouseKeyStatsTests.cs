using DhtRpc.Storage.Client;
using DhtRpc.Storage.Stores;
using DhtRpc.Wire;

namespace DhtRpc.Storage.Tests.Protocol;

/// <summary>
/// Access statistics of an item stored on a chosen warehouse far from its key, which a lookup near the key
/// does not reach. A survey asks every node it hears from; in 40 nodes every routing table holds all the others.
/// </summary>
public sealed class WarehouseKeyStatsTests
{
    private readonly SimulatedSwarm _swarm = new SimulatedSwarm().Make(40, onCreated: node => _ = new StorageNode(node, new InMemoryItemStore()));

    private WarehouseClient Client => new(_swarm[39]);

    [Fact]
    public void An_item_on_the_warehouse_farthest_from_its_key_is_seen_by_asking_every_warehouse_but_not_by_the_lookup()
    {
        const string Key = "stored-far-away";
        var target = WarehouseClient.TargetOf(Key);
        var farthest = _swarm.Nodes.Take(39).Where(n => n.Id is not null).OrderBy(n => n.Id!.Value, Comparer<NodeId>.Create((a, b) => target.CompareDistance(b, a))).First();
        var far = SimulatedSwarm.ServerOf(farthest);
        var stored = _swarm.Run(() => Client.StoreOnAsync(Key, "far"u8.ToArray(), far));
        Assert.Equal([far], stored.StoredOn);
        _swarm.Run(() => Client.GetFromAsync(Key, far));

        var nearKey = _swarm.Run(() => Client.KeyStatsAsync(Key));
        var everywhere = _swarm.Run(() => Client.KeyStatsEverywhereAsync(Key));
        var direct = _swarm.Run(() => Client.KeyStatsFromEachAsync(Key, [far, SimulatedSwarm.ServerOf(_swarm[3])]));

        Assert.Empty(nearKey.Holders);
        Assert.Equal(far, Assert.Single(everywhere.Holders).Node);
        Assert.Equal(1, everywhere.AccessCount);
        Assert.Equal(far, Assert.Single(direct.Holders).Node);
        Assert.Equal(target, direct.Target);
    }
}
