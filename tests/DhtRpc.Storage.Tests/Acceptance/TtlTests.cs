using DhtRpc.Wire;
using DhtRpc.Storage.Client;
using DhtRpc.Storage.Stores;

namespace DhtRpc.Storage.Tests.Acceptance;

/// <summary>Records nobody refreshes lapse: a node that is no longer among the closest drops its copy after the TTL.</summary>
public sealed class TtlTests(ITestOutputHelper output)
{
    private static readonly StorageOptions Options = new()
    {
        RepublishInterval = TimeSpan.FromMinutes(10),
        RecordTtl = TimeSpan.FromMinutes(30),
    };

    [Fact]
    public void NodeThatIsNoLongerAmongTheClosestDropsItsCopyAfterTheTtl()
    {
        // Six nodes: every persistent one but the publisher is among the 20 closest and takes the value.
        var net = new SimulatedStorageSwarm(6, Options, seed: 11);
        var value = "a record that moves to newer, closer nodes"u8.ToArray();
        var put = net.Host.Run(() => new DhtStorageClient(net.Swarm[5]).PutAsync(value));
        var storedAt = net.Host.Now;
        var firstHolders = net.Storage.Where(s => s.Store.Get(ItemSpace.Content, put.Key) is not null).ToList();
        Assert.Equal(put.Replicas, firstHolders.Count);
        Assert.True(firstHolders.Count >= 3);

        // Sixty nodes join; the 20 closest to the key are now mostly newcomers.
        for (var i = 0; i < 60; i++)
        {
            net.Join();
        }

        var k = net.Swarm[0].Options.K;
        // The k closest among the nodes other nodes route to (the first node stays ephemeral).
        var closest = net.Storage.Where(s => s.Node.Id is not null).OrderBy(s => s.Node.TableId, Comparer<NodeId>.Create((a, b) => put.Key.CompareDistance(a, b))).Take(k).ToHashSet();
        var farHolders = firstHolders.Where(s => !closest.Contains(s)).ToList();
        var nearHolders = firstHolders.Where(closest.Contains).ToList();
        Assert.NotEmpty(farHolders);
        output.WriteLine($"{farHolders.Count} of the {firstHolders.Count} first holders are no longer among the {k} closest");

        // Just before the TTL every far holder still has its copy (nothing lapses early).
        net.Host.Advance(storedAt + Options.RecordTtl - TimeSpan.FromSeconds(1) - net.Host.Now);
        Assert.All(farHolders, s => Assert.True(s.Store.Get(ItemSpace.Content, put.Key)?.ExpiresAt > net.Host.Now));

        // Past the TTL and one more republish round: the far holders dropped the record, the closest keep it.
        net.Host.Advance(Options.RepublishInterval + TimeSpan.FromMinutes(1));
        Assert.All(farHolders, s => Assert.Null(s.Store.Get(ItemSpace.Content, put.Key)));
        Assert.All(nearHolders, s => Assert.NotNull(s.Store.Get(ItemSpace.Content, put.Key)));
        var holders = net.Storage.Where(s => s.Store.Get(ItemSpace.Content, put.Key) is { } item && item.ExpiresAt > net.Host.Now).ToList();
        Assert.Equal(k, holders.Count);
        Assert.All(holders, s => Assert.Contains(s, closest));
        output.WriteLine($"{holders.Count} live holders after {net.Host.Now - storedAt}, all among the {k} closest");

        // Still retrievable, from a node that never held it.
        var reader = net.Storage.First(s => s.Store.Get(ItemSpace.Content, put.Key) is null && !firstHolders.Contains(s));
        Assert.Equal(value, net.Host.Run(() => new DhtStorageClient(reader.Node).GetAsync(put.Key)));
        Assert.Equal(value, net.Host.Run(() => new DhtStorageClient(farHolders[0].Node).GetAsync(put.Key)));
    }
}
