using DhtRpc.Wire;
using DhtRpc.Rpc;
using DhtRpc.Storage.Protocol;
using DhtRpc.Storage.Stores;

namespace DhtRpc.Storage.Tests.Hardening;

/// <summary>
/// One source cannot fill a node: each address holds at most its quota, and a full node evicts its
/// largest holder's oldest items for another source. Local addresses follow the node's limits.
/// </summary>
public sealed class QuotaTests
{
    private static readonly StorageOptions Options = new()
    {
        MaxItems = 10,
        MaxItemsPerSource = 8,
        RecordTtl = TimeSpan.FromMinutes(30),
        RepublishInterval = TimeSpan.FromHours(5),
    };

    [Fact]
    public void One_address_stores_at_most_its_quota_and_another_address_can_still_store()
    {
        var net = new Network("20.0", Options);
        var flooder = net.Client("20.0.2.1");
        var results = Enumerable.Range(0, 12).Select(i => net.Store(flooder, $"flood-{i}")).ToList();
        Assert.Equal(8, results.Count(e => e == 0));
        Assert.Equal(4, results.Count(e => e == StorageErrors.QuotaExceeded));

        // Another port of the same address shares the quota; another address does not.
        Assert.Equal(StorageErrors.QuotaExceeded, net.Store(net.Client("20.0.2.1"), "same address"));
        Assert.Equal(0UL, net.Store(net.Client("20.0.3.1"), "second address"));
        Assert.Equal(new SourceUsage(8, 8 * Network.ValueSize), net.Storage.Store.UsageOf("20.0.2.1"));
        Assert.Equal(5, net.Storage.Stats.Refused(StorageErrors.QuotaExceeded));
    }

    [Fact]
    public void A_full_node_evicts_the_largest_holders_oldest_items_for_another_source()
    {
        var net = new Network("20.0", Options);
        var large = net.Client("20.0.2.1");
        var small = net.Client("20.0.3.1");
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(0UL, net.Store(large, $"large-{i}"));
            net.Swarm.Host.Advance(TimeSpan.FromSeconds(1)); // distinct stored times: "oldest" is well defined
        }

        Assert.Equal(0UL, net.Store(small, "small-0"));
        Assert.Equal(0UL, net.Store(small, "small-1"));
        Assert.Equal(10, net.Storage.Store.Count(ItemSpace.Warehouse));

        // Full: the next store from the small holder displaces the large holder's oldest item.
        Assert.Equal(0UL, net.Store(small, "small-2"));
        Assert.Null(net.Storage.Store.Get(ItemSpace.Warehouse, Network.TargetOf("large-0")));
        Assert.NotNull(net.Storage.Store.Get(ItemSpace.Warehouse, Network.TargetOf("large-1")));
        Assert.Equal(1, net.Storage.Stats.Evicted);

        // The largest holder itself gets no room at the others' expense.
        Assert.Equal(StorageErrors.StorageFull, net.Store(large, "large-again"));
        Assert.Equal(10, net.Storage.Store.Count(ItemSpace.Warehouse));
    }

    [Fact]
    public void Local_addresses_have_no_quota_unless_the_limits_apply_to_them()
    {
        var exempt = new Network("127.0", Options, applyLocally: false);
        var client = exempt.Client("127.0.2.1");
        Assert.All(Enumerable.Range(0, 10), i => Assert.Equal(0UL, exempt.Store(client, $"local-{i}")));

        var limited = new Network("127.0", Options, applyLocally: true);
        var limitedClient = limited.Client("127.0.2.1");
        var results = Enumerable.Range(0, 10).Select(i => limited.Store(limitedClient, $"local-{i}")).ToList();
        Assert.Equal(8, results.Count(e => e == 0));
    }

    [Fact]
    public void Warehouse_items_expire_unless_their_owner_stores_them_again()
    {
        var net = new Network("20.0", Options);
        var owner = net.Client("20.0.2.1");
        net.Store(owner, "refreshed");
        net.Store(owner, "forgotten");
        net.Swarm.Host.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal(0UL, net.Store(owner, "refreshed"));
        net.Swarm.Host.Advance(TimeSpan.FromMinutes(20));

        Assert.NotNull(net.Get(owner, "refreshed"));
        Assert.Null(net.Get(owner, "forgotten"));
    }

    /// <summary>A warehouse on <c>{prefix}.1.1</c> and clients on addresses of the test's choosing.</summary>
    private sealed class Network
    {
        public const int ValueSize = 100;

        public Network(string prefix, StorageOptions options, bool applyLocally = false)
        {
            Swarm = new SimulatedSwarm(seed: 7);
            var node = new DhtNode(Swarm.Options(new DhtNodeOptions
            {
                Ephemeral = false,
                Limits = new Limits.NodeLimits { ApplyToLocalAddresses = applyLocally },
            }) with { Host = $"{prefix}.1.1" });
            Swarm.Nodes.Add(node);
            Storage = new StorageNode(node, new InMemoryItemStore(), options);
            Swarm.Run(node.FullyBootstrappedAsync);
            Warehouse = node.ServerEndpoint!.Value;
        }

        public SimulatedSwarm Swarm { get; }

        public StorageNode Storage { get; }

        public Ipv4Endpoint Warehouse { get; }

        public static NodeId TargetOf(string key) => DhtRpc.Storage.Client.WarehouseClient.TargetOf(key);

        public DhtNode Client(string host)
        {
            var node = new DhtNode(Swarm.Options(new DhtNodeOptions { Bootstrap = [] }) with { Host = host });
            Swarm.Nodes.Add(node);
            return node;
        }

        /// <summary>Stores a <see cref="ValueSize"/>-byte value under the key; returns the reply's error code.</summary>
        public ulong Store(DhtNode from, string key) => Swarm.Run(async () =>
        {
            var target = TargetOf(key);
            var token = (await from.RequestAsync(new DhtRequest(StorageCommands.WarehouseStore, target), Warehouse)).Token;
            return (await from.RequestAsync(new DhtRequest(StorageCommands.WarehouseStore, target, new byte[ValueSize], token), Warehouse)).Error;
        });

        public byte[]? Get(DhtNode from, string key) =>
            Swarm.Run(() => from.RequestAsync(new DhtRequest(StorageCommands.WarehouseGet, TargetOf(key)), Warehouse)).Value;
    }
}
