using DhtRpc.Wire;
using DhtRpc.Storage.Client;
using DhtRpc.Storage.Stores;

namespace DhtRpc.Storage.Tests.Acceptance;

/// <summary>Warehouse items go to the R closest warehouses, report their accesses from all of them, and outlive one of them.</summary>
public sealed class WarehouseRedundancyTests
{
    [Fact]
    public void StoreGoesToTheThreeClosestStatsCoverAllAndALookupOutlivesOneOfThem()
    {
        var net = new SimulatedStorageSwarm(30, StorageOptions.Default, seed: 3);
        var clientNode = net.Swarm.Add(new DhtNodeOptions { Ephemeral = true, Bootstrap = [net.Swarm.BootstrapEntry] });
        net.Host.Run(clientNode.FullyBootstrappedAsync);
        var client = new WarehouseClient(clientNode);
        var value = "quarterly report, final"u8.ToArray();
        var target = WarehouseClient.TargetOf("reports/q3");

        var stored = net.Host.Run(() => client.StoreAsync("reports/q3", value));
        Assert.Empty(stored.Failures);
        Assert.Equal(3, stored.StoredOn.Count);

        // Exactly three copies, on the three warehouses closest to the target.
        var holders = Enumerable.Range(0, net.Storage.Count).Where(i => net.Storage[i].Store.Get(ItemSpace.Warehouse, target) is not null).ToList();
        Assert.Equal(3, holders.Count);
        var closestThree = net.Storage
            .Where(s => s.Node.Id is not null)
            .OrderBy(s => s.Node.TableId, Comparer<NodeId>.Create((a, b) => target.CompareDistance(a, b)))
            .Take(3)
            .Select(s => SimulatedSwarm.ServerOf(s.Node))
            .ToHashSet();
        Assert.Equal(closestThree, holders.Select(i => SimulatedSwarm.ServerOf(net.Swarm[i])).ToHashSet());
        Assert.Equal(closestThree, stored.StoredOn.ToHashSet());

        // Reads on each holder (1, 2 and 3 of them); the stats gather all three.
        var reads = 0;
        for (var h = 0; h < stored.StoredOn.Count; h++)
        {
            for (var r = 0; r <= h; r++)
            {
                var warehouse = stored.StoredOn[h];
                Assert.Equal(value, net.Host.Run(() => client.GetFromAsync("reports/q3", warehouse)));
                reads++;
            }
        }

        var stats = net.Host.Run(() => client.KeyStatsAsync("reports/q3"));
        Assert.Equal(reads, stats.AccessCount);
        Assert.Equal(closestThree, stats.Holders.Select(h => h.Node).ToHashSet());
        Assert.NotNull(stats.LastAccess);

        // The closest holder stops; a lookup still finds the value on one of the other two.
        var gone = holders.OrderBy(i => net.Swarm[i].TableId, Comparer<NodeId>.Create((a, b) => target.CompareDistance(a, b))).First();
        var goneEndpoint = SimulatedSwarm.ServerOf(net.Swarm[gone]);
        net.Stop(gone);
        var found = net.Host.Run(() => client.GetAsync("reports/q3"));
        Assert.NotNull(found);
        Assert.Equal(value, found.Value.Value);
        Assert.Contains(found.Value.From, closestThree);
        Assert.NotEqual(goneEndpoint, found.Value.From);
    }
}
