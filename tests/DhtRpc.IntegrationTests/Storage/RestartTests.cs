using System.Text;
using DhtRpc.Wire;
using DhtRpc.Rpc;
using DhtRpc.Storage;
using DhtRpc.Storage.Client;
using DhtRpc.Storage.Protocol;
using DhtRpc.Storage.Stores;

namespace DhtRpc.IntegrationTests.Storage;

/// <summary>A storage node restarted on its data directory serves everything it acknowledged, metadata included.</summary>
public sealed class RestartTests(ITestOutputHelper output)
{
    private const int Size = 10;

    [Fact(Timeout = 120_000)]
    public async Task RestartedNodeServesEveryAcknowledgedItemWithItsAccessCounts()
    {
        var root = Path.Combine(Path.GetTempPath(), "dht-storage-restart-" + Guid.NewGuid().ToString("N"));
        string DataDirectory(int index) => Path.Combine(root, $"node-{index}");
        try
        {
            await using var swarm = await StorageLoopbackSwarm.CreateAsync(Size, i => new SqliteItemStore(DataDirectory(i)));
            var publisher = swarm[Size - 1].Node;
            var content = new DhtStorageClient(publisher);
            var warehouse = new WarehouseClient(publisher);

            // Content values (one of them chunked) and warehouse items.
            var random = new Random(9);
            var values = new List<byte[]> { "a small value"u8.ToArray(), new byte[300], new byte[40_000] };
            random.NextBytes(values[1]);
            random.NextBytes(values[2]);
            var keys = new List<NodeId>();
            foreach (var value in values)
            {
                var put = await content.PutAsync(value);
                Assert.True(put.Replicas > 0);
                keys.Add(put.Key);
            }

            var items = Enumerable.Range(0, 6).ToDictionary(i => $"item-{i}", i => Encoding.UTF8.GetBytes($"warehouse value {i}"));
            var storedOn = new Dictionary<string, IReadOnlyList<Ipv4Endpoint>>();
            foreach (var (key, value) in items)
            {
                var stored = await warehouse.StoreAsync(key, value);
                Assert.Equal(3, stored.StoredOn.Count);
                storedOn[key] = stored.StoredOn;
            }

            // The node to restart: the one (not the first, not the publisher) that acknowledged the most warehouse items.
            var restarted = Enumerable.Range(1, Size - 2)
                .OrderByDescending(i => storedOn.Values.Count(on => on.Contains(StorageLoopbackSwarm.EndpointOf(swarm[i]))))
                .First();
            var endpoint = StorageLoopbackSwarm.EndpointOf(swarm[restarted]);
            var itsItems = storedOn.Where(p => p.Value.Contains(endpoint)).Select(p => p.Key).ToList();
            Assert.NotEmpty(itsItems);

            // Reads there give every item a distinct access count.
            for (var i = 0; i < itsItems.Count; i++)
            {
                for (var r = 0; r <= i; r++)
                {
                    Assert.Equal(items[itsItems[i]], await warehouse.GetFromAsync(itsItems[i], endpoint));
                }
            }

            // The content blocks it acknowledged: those it answers a GET for.
            var blocks = ((SqliteItemStore)swarm[restarted].Store).Keys(ItemSpace.Content);
            var held = new Dictionary<NodeId, byte[]>();
            foreach (var block in blocks)
            {
                var reply = await publisher.RequestAsync(new DhtRequest(StorageCommands.Get, block), endpoint);
                Assert.NotNull(reply.Value);
                held[block] = reply.Value;
            }

            Assert.Contains(keys[0], held.Keys);
            var inventoryBefore = await warehouse.ListAsync(endpoint);
            var infoBefore = await warehouse.InfoAsync(endpoint);
            Assert.Equal(itsItems.Count, inventoryBefore.Count);

            // Stop it, then start a new node on the same data directory and port.
            await swarm.StopAsync(restarted);
            var again = await swarm.RestartAsync(restarted, swarm.JoinOptions() with { Port = endpoint.Port });
            var newEndpoint = StorageLoopbackSwarm.EndpointOf(again);
            output.WriteLine($"restarted {endpoint} as {newEndpoint}; {held.Count} content blocks, {itsItems.Count} warehouse items");

            // The same port (hence the same node id) unless another process took it meanwhile.
            Assert.Equal(endpoint.Host, newEndpoint.Host);

            // Metadata first (reads below count accesses): same items, same access counts, same totals.
            var inventoryAfter = await warehouse.ListAsync(newEndpoint);
            Assert.Equal(
                inventoryBefore.Select(i => (i.FullKey, i.AccessCount, i.Size, i.Stored, i.LastAccess)).OrderBy(i => i.FullKey),
                inventoryAfter.Select(i => (i.FullKey, i.AccessCount, i.Size, i.Stored, i.LastAccess)).OrderBy(i => i.FullKey));
            Assert.Equal(Enumerable.Range(1, itsItems.Count).Select(n => (long)n), itsItems.Select(k => inventoryAfter.Single(i => i.FullKey == WarehouseClient.TargetOf(k).ToString()).AccessCount));
            var infoAfter = await warehouse.InfoAsync(newEndpoint);
            Assert.NotNull(infoBefore);
            Assert.NotNull(infoAfter);
            Assert.Equal(infoBefore.Items, infoAfter.Items);
            Assert.Equal(infoBefore.ContentItems, infoAfter.ContentItems);
            Assert.Equal(infoBefore.TotalStored, infoAfter.TotalStored);
            Assert.True(infoAfter.TotalServed >= infoBefore.TotalServed);

            // Every acknowledged item is served again, asked directly.
            foreach (var (block, bytes) in held)
            {
                var reply = await publisher.RequestAsync(new DhtRequest(StorageCommands.Get, block), newEndpoint);
                Assert.Equal(bytes, reply.Value);
            }

            foreach (var key in itsItems)
            {
                Assert.Equal(items[key], await warehouse.GetFromAsync(key, newEndpoint));
            }

            var stats = await warehouse.ListAsync(newEndpoint);
            Assert.Equal(itsItems.Select((_, i) => (long)i + 2), itsItems.Select(k => stats.Single(i => i.FullKey == WarehouseClient.TargetOf(k).ToString()).AccessCount));

            // And the values come back through lookups from another node.
            var reader = new DhtStorageClient(swarm[1].Node);
            for (var i = 0; i < values.Count; i++)
            {
                Assert.Equal(values[i], await reader.GetAsync(keys[i]));
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }
}
