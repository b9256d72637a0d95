using System.Text;
using DhtRpc.Wire;
using DhtRpc.Rpc;
using DhtRpc.Simulation;
using DhtRpc.Storage.Client;
using DhtRpc.Storage.Protocol;
using DhtRpc.Storage.Stores;

namespace DhtRpc.Storage.Tests.Protocol;

/// <summary>The study's seven warehouse checks, plus ownership, on a simulated network of warehouses.</summary>
public sealed class WarehouseTests
{
    private static readonly (string Key, string Value)[] Items =
    [
        ("user123", "John Doe"),
        ("config", "{\"theme\":\"dark\",\"lang\":\"en\"}"),
        ("session", "abc123xyz"),
        ("document", "Important business document content here..."),
    ];

    [Fact]
    public void StoreRetrieveListCountDeleteAndErrors()
    {
        var (swarm, storage) = new SimulatedStorageSwarm(12, new StorageOptions { Location = "eu-west" });
        var client = new WarehouseClient(swarm[11]);
        var warehouse = SimulatedSwarm.ServerOf(swarm[4]);

        // 1. Store with metadata (empty reply means stored).
        foreach (var (key, value) in Items)
        {
            var result = swarm.Run(() => client.StoreOnAsync(key, Encoding.UTF8.GetBytes(value), warehouse));
            Assert.Equal([warehouse], result.StoredOn);
        }

        // 2. Retrieve.
        foreach (var (key, value) in Items)
        {
            Assert.Equal(value, Encoding.UTF8.GetString(swarm.Run(() => client.GetFromAsync(key, warehouse))!));
        }

        // 3. Inventory with metadata, in pages that fit a datagram.
        var inventory = swarm.Run(() => client.ListAsync(warehouse));
        Assert.Equal(Items.Length, inventory.Count);
        var config = inventory.Single(i => i.FullKey == WarehouseClient.TargetOf("config").ToString());
        Assert.Equal(WarehouseClient.TargetOf("config").ToString()[..16] + "...", config.Key);
        Assert.Equal("{\"theme\":\"dark\",\"lang\":\"en\"}...", config.Preview);
        Assert.Equal("Important business document co...", inventory.Single(i => i.FullKey == WarehouseClient.TargetOf("document").ToString()).Preview);
        Assert.Equal(28, config.Size);
        Assert.Equal("eu-west", config.Location);

        // 4. Access counting: three more reads of user123 (one above) make four.
        for (var i = 0; i < 3; i++)
        {
            swarm.Run(() => client.GetFromAsync("user123", warehouse));
        }

        var stats = swarm.Run(() => client.KeyStatsAsync("user123"));
        Assert.Equal(4, stats.AccessCount);
        Assert.NotNull(stats.LastAccess);
        Assert.Equal([warehouse], stats.Holders.Select(h => h.Node));

        // 5. Delete, then not-found.
        Assert.Equal(WarehouseDeleteStatus.Deleted, swarm.Run(() => client.DeleteFromAsync("session", warehouse)).Status);
        Assert.Null(swarm.Run(() => client.GetFromAsync("session", warehouse)));
        Assert.Equal(WarehouseDeleteStatus.NotFound, swarm.Run(() => client.DeleteFromAsync("session", warehouse)).Status);

        // 6. A missing key is an empty reply, not an error.
        Assert.Null(swarm.Run(() => client.GetFromAsync("never-stored", warehouse)));

        // 7. Analytics.
        var info = swarm.Run(() => client.InfoAsync(warehouse))!;
        Assert.Equal("eu-west", info.Location);
        Assert.Equal(3, info.Items);
        Assert.Equal(4, info.TotalStored);
        Assert.Equal(1, info.TotalDeleted);
        Assert.Equal(7, info.TotalServed);
    }

    [Fact]
    public void StoreWithoutTokenIsRefused()
    {
        var (swarm, storage) = new SimulatedStorageSwarm(4);
        var target = WarehouseClient.TargetOf("k");
        var reply = swarm.Run(() => swarm[3].RequestAsync(new DhtRequest(StorageCommands.WarehouseStore, target, "v"u8.ToArray()), SimulatedSwarm.ServerOf(swarm[1])));
        Assert.Equal(ErrorCodes.InvalidToken, reply.Error);
        Assert.Equal(0, storage[1].Store.Count(ItemSpace.Warehouse));
    }

    [Fact]
    public void A_tokenless_write_query_gets_a_token_but_never_the_held_value()
    {
        var (swarm, _) = new SimulatedStorageSwarm(4);
        var warehouse = SimulatedSwarm.ServerOf(swarm[1]);
        var held = new byte[900];
        swarm.Run(() => new WarehouseClient(swarm[3]).StoreOnAsync("big", held, warehouse));

        var store = swarm.Run(() => swarm[2].RequestAsync(new DhtRequest(StorageCommands.WarehouseStore, WarehouseClient.TargetOf("big")), warehouse));
        var delete = swarm.Run(() => swarm[2].RequestAsync(new DhtRequest(StorageCommands.WarehouseDelete, WarehouseClient.TargetOf("big")), warehouse));

        Assert.Equal((0UL, true, (byte[]?)null), (store.Error, store.Token is not null, store.Value));
        Assert.Equal((0UL, true, (byte[]?)null), (delete.Error, delete.Token is not null, delete.Value));
    }

    [Fact]
    public void DeleteFromAnotherHostIsRefused()
    {
        // Two hosts on the simulated network: the storer at 10.0.0.2, another client at 10.0.0.3.
        var swarm = new SimulatedSwarm();
        var storage = new List<StorageNode>();
        var warehouseNode = swarm.Add(new DhtNodeOptions { Ephemeral = false, Firewalled = false });
        storage.Add(new StorageNode(warehouseNode, new InMemoryItemStore()));
        swarm.Run(warehouseNode.FullyBootstrappedAsync);
        var warehouse = SimulatedSwarm.ServerOf(warehouseNode);
        var storer = new WarehouseClient(ClientOn(swarm, "127.0.0.2", warehouse));
        var other = new WarehouseClient(ClientOn(swarm, "127.0.0.3", warehouse));

        swarm.Run(() => storer.StoreOnAsync("doc", "mine"u8.ToArray(), warehouse));
        var refused = swarm.Run(() => other.DeleteFromAsync("doc", warehouse));
        Assert.Equal((WarehouseDeleteStatus.Refused, StorageErrors.NotOwner), (refused.Status, refused.ErrorCode));
        Assert.Equal($"{warehouse} refused: {StorageErrors.Describe(StorageErrors.NotOwner)} (error {StorageErrors.NotOwner}).", refused.Reason);
        Assert.NotNull(swarm.Run(() => storer.GetFromAsync("doc", warehouse)));

        // Overwriting from the other host is refused too; the storer may delete.
        Assert.Empty(swarm.Run(() => other.StoreOnAsync("doc", "theirs"u8.ToArray(), warehouse)).StoredOn);
        Assert.Equal(WarehouseDeleteStatus.Deleted, swarm.Run(() => storer.DeleteFromAsync("doc", warehouse)).Status);
    }

    [Fact]
    public void SignedItemsObeyOnlyTheirOwner()
    {
        var (swarm, storage) = new SimulatedStorageSwarm(8);
        var client = new WarehouseClient(swarm[7]);
        using var owner = SignedEnvelope.CreateKey();
        using var stranger = SignedEnvelope.CreateKey();

        var stored = swarm.Run(() => client.StoreSignedAsync(owner, "profile", "v1"u8.ToArray(), sequence: 1));
        Assert.Equal(3, stored.StoredOn.Count);
        var warehouse = stored.StoredOn[0];

        // Unsigned delete from the very same host is refused: the item belongs to a key, not an IP.
        Assert.Equal(StorageErrors.NotOwner, swarm.Run(() => client.DeleteFromAsync("profile", warehouse)).ErrorCode);

        // Another key cannot update or delete; an old sequence is refused; the owner can do both.
        Assert.Empty(swarm.Run(() => client.StoreSignedAsync(stranger, "profile", "evil"u8.ToArray(), sequence: 9)).StoredOn);
        Assert.Empty(swarm.Run(() => client.StoreSignedAsync(owner, "profile", "old"u8.ToArray(), sequence: 1)).StoredOn);
        Assert.Equal(3, swarm.Run(() => client.StoreSignedAsync(owner, "profile", "v2"u8.ToArray(), sequence: 2)).StoredOn.Count);
        Assert.Equal("v2", Encoding.UTF8.GetString(swarm.Run(() => client.GetFromAsync("profile", warehouse))!));
        Assert.Equal(StorageErrors.NotOwner, swarm.Run(() => client.DeleteSignedFromAsync(stranger, "profile", 3, warehouse)).ErrorCode);
        Assert.Equal(WarehouseDeleteStatus.Deleted, swarm.Run(() => client.DeleteSignedFromAsync(owner, "profile", 3, warehouse)).Status);
        Assert.True(storage.Sum(s => s.Stats.Refused(StorageErrors.NotOwner)) >= 3);
    }

    [Fact]
    public void InventoryPagesStayUnderTheLimit()
    {
        var (swarm, storage) = new SimulatedStorageSwarm(3, new StorageOptions { ListPageBytes = 600 });
        var client = new WarehouseClient(swarm[2]);
        var warehouse = SimulatedSwarm.ServerOf(swarm[1]);
        for (var i = 0; i < 25; i++)
        {
            swarm.Run(() => client.StoreOnAsync($"item-{i}", Encoding.UTF8.GetBytes(new string('x', 100)), warehouse));
        }

        var firstPage = swarm.Run(() => swarm[2].RequestAsync(new DhtRequest(StorageCommands.WarehouseList, new NodeId(), "0"u8.ToArray()), warehouse));
        Assert.True(firstPage.Value!.Length <= 600);
        Assert.True(InventoryPage.Parse(firstPage.Value).Count < 25);
        Assert.Equal(25, swarm.Run(() => client.ListAsync(warehouse)).Select(i => i.FullKey).Distinct().Count());
        _ = storage;
    }

    private static DhtNode ClientOn(SimulatedSwarm swarm, string host, Ipv4Endpoint bootstrap)
    {
        var node = new DhtNode(swarm.Options(new DhtNodeOptions { Ephemeral = true, Bootstrap = [bootstrap.ToString()] }) with { Host = host });
        swarm.Run(node.FullyBootstrappedAsync);
        return node;
    }
}
