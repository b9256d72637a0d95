using System.Diagnostics.Metrics;
using DhtRpc.Storage.Client;
using DhtRpc.Storage.Protocol;
using DhtRpc.Storage.Stores;
using DhtRpc.Wire;

namespace DhtRpc.Storage.Tests.Metrics;

/// <summary>Warehouse traffic on loopback UDP shows in the storage node's instruments.</summary>
public sealed class StorageMetricsTests
{
    [Fact]
    public async Task Stores_reads_refusals_deletes_and_a_republishing_round_are_counted()
    {
        var ct = TestContext.Current.CancellationToken;
        using var meter = new Meter(StorageMetrics.MeterName);
        using var metrics = new MeterRecorder(meter);
        await using var node = new DhtNode(new DhtNodeOptions { Host = "127.0.0.1", Ephemeral = false, Firewalled = false });
        using var store = new InMemoryItemStore();
        await using var storage = new StorageNode(node, store, new StorageOptions { MaxValueSize = 100, Meter = meter });
        await node.FullyBootstrappedAsync();
        var warehouse = Ipv4Endpoint.Loopback(node.ServerEndpoint!.Value.Port);
        await using var clientNode = new DhtNode(new DhtNodeOptions { Host = "127.0.0.1", Bootstrap = [$"localhost:{warehouse.Port}"] });
        await clientNode.FullyBootstrappedAsync();
        var client = new WarehouseClient(clientNode);

        var value = new byte[40];
        Assert.Equal([warehouse], (await client.StoreOnAsync("small", value, warehouse, ct)).StoredOn);
        Assert.Empty((await client.StoreOnAsync("large", new byte[101], warehouse, ct)).StoredOn);
        Assert.NotNull(await client.GetFromAsync("small", warehouse, ct));

        metrics.Collect();
        Assert.Equal(1, metrics.Value(StorageMetrics.Puts));
        Assert.Equal(1, metrics.Value(StorageMetrics.Gets));
        Assert.Equal(1, metrics.Value(StorageMetrics.Items, (StorageMetrics.SpaceTag, "warehouse")));
        Assert.Equal(0, metrics.Value(StorageMetrics.Items, (StorageMetrics.SpaceTag, "content")));
        Assert.Equal(value.Length, metrics.Value(StorageMetrics.Bytes));
        var refusal = Assert.Single(metrics.Observed(StorageMetrics.Refusals));
        Assert.Equal(1, refusal.Value);
        Assert.True(refusal.Has((StorageMetrics.CodeTag, StorageErrors.ValueTooLarge)));
        Assert.True(refusal.Has((StorageMetrics.NameTag, "VALUE_TOO_LARGE")));
        Assert.Equal(0, metrics.Value(StorageMetrics.QueueLength));

        Assert.Equal(WarehouseDeleteStatus.Deleted, (await client.DeleteFromAsync("small", warehouse, ct)).Status);
        await storage.RepublishAsync(ct);

        metrics.Collect();
        Assert.Equal(1, metrics.Value(StorageMetrics.Deletes));
        Assert.Equal(0, metrics.Value(StorageMetrics.Items));
        Assert.Equal(0, metrics.Value(StorageMetrics.Bytes));
        Assert.Equal(1, metrics.Value(StorageMetrics.RepublishRounds));
        Assert.Equal(0, metrics.Value(StorageMetrics.Expirations));
        Assert.Equal(0, metrics.Value(StorageMetrics.Evictions));
    }

    [Fact]
    public async Task Without_a_meter_the_storage_node_creates_no_instruments_and_with_one_exactly_those_StorageMetrics_names()
    {
        using var meter = new Meter(StorageMetrics.MeterName);
        using var metrics = new MeterRecorder(meter);
        await using var node = new DhtNode(new DhtNodeOptions { Host = "127.0.0.1", Bootstrap = [] });
        using var store = new InMemoryItemStore();
        await using (new StorageNode(node, store))
        {
            Assert.Empty(metrics.Instruments);
        }

        await using (new StorageNode(node, store, new StorageOptions { Meter = meter }))
        {
            var names = StorageMetricsDocTests.Constants().Where(c => c.StartsWith("storage.", StringComparison.Ordinal));
            Assert.Equal(names.Order(StringComparer.Ordinal), metrics.Instruments.Select(i => i.Name).Order(StringComparer.Ordinal));
        }
    }
}
