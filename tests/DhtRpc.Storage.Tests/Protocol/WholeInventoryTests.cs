using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using DhtRpc.Rpc;
using DhtRpc.Storage.Client;
using DhtRpc.Storage.Protocol;
using DhtRpc.Wire;

namespace DhtRpc.Storage.Tests.Protocol;

/// <summary>A LIST with no value, as the study's warehouse client sends it, gets every item in one reply when they fit.</summary>
public sealed class WholeInventoryTests
{
    private static readonly string[] StudyFields = ["key", "preview", "size", "stored", "accessCount"];

    private static JsonArray ListWithoutValue(SimulatedStorageSwarm swarm, Ipv4Endpoint warehouse)
    {
        var reply = swarm.Swarm.Run(() => swarm[1].RequestAsync(new DhtRequest(StorageCommands.WarehouseList, new NodeId()), warehouse));
        Assert.Equal(0UL, reply.Error);
        return JsonNode.Parse(Encoding.UTF8.GetString(reply.Value!))!.AsArray();
    }

    private static void Store(SimulatedStorageSwarm swarm, Ipv4Endpoint warehouse, int count)
    {
        var client = new WarehouseClient(swarm[1]);
        for (var i = 0; i < count; i++)
        {
            var key = "item-" + i.ToString(CultureInfo.InvariantCulture);
            swarm.Swarm.Run(() => client.StoreOnAsync(key, Encoding.UTF8.GetBytes("a value that is about thirty-five bytes " + key), warehouse));
        }
    }

    [Fact]
    public void Four_small_items_come_back_in_one_reply_in_the_studys_fields()
    {
        var swarm = new SimulatedStorageSwarm(6, new StorageOptions { Location = "eu-west" });
        var warehouse = SimulatedSwarm.ServerOf(swarm[4]);
        Store(swarm, warehouse, 4);

        var items = ListWithoutValue(swarm, warehouse);

        Assert.Equal(4, items.Count);
        Assert.All(items, item => Assert.Equal(StudyFields, item!.AsObject().Select(p => p.Key)));
    }

    [Fact]
    public void An_inventory_too_big_for_one_reply_ends_with_where_paging_goes_on_and_paging_from_there_gets_the_rest()
    {
        var swarm = new SimulatedStorageSwarm(6);
        var warehouse = SimulatedSwarm.ServerOf(swarm[4]);
        Store(swarm, warehouse, 30);

        var items = ListWithoutValue(swarm, warehouse);
        var marker = items[^1]!.AsObject();
        var offset = marker["offset"]!.GetValue<int>();
        var rest = swarm.Swarm.Run(() => new WarehouseClient(swarm[1]).ListAsync(warehouse));

        Assert.True(marker["more"]!.GetValue<bool>());
        Assert.Equal(items.Count - 1, offset);
        Assert.InRange(offset, 1, 29);
        Assert.Equal(30, rest.Count);
        Assert.True(Encoding.UTF8.GetByteCount(items.ToJsonString()) <= new StorageOptions().WholeListBytes);
    }
}
