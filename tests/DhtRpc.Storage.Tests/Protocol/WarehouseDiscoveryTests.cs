using DhtRpc.Rpc;
using DhtRpc.Storage.Client;
using DhtRpc.Storage.Protocol;
using DhtRpc.Storage.Stores;
using DhtRpc.Wire;

namespace DhtRpc.Storage.Tests.Protocol;

/// <summary>Finding warehouses across a network where some nodes are plain DHT nodes, and the fastest among them.</summary>
public sealed class WarehouseDiscoveryTests
{
    /// <summary>Nodes 0, 2, 4 and 6 are plain dht-rpc nodes (UNKNOWN_COMMAND to every warehouse command); the rest are warehouses.</summary>
    private static readonly int[] PlainNodes = [0, 2, 4, 6];

    private readonly SimulatedSwarm _swarm;
    private readonly List<StorageNode> _warehouses = [];

    public WarehouseDiscoveryTests()
    {
        var index = 0;
        _swarm = new SimulatedSwarm().Make(10, onCreated: node =>
        {
            if (!PlainNodes.Contains(index++))
            {
                _warehouses.Add(new StorageNode(node, new InMemoryItemStore()));
            }
        });
    }

    /// <summary>The last node, a warehouse itself, surveys the others.</summary>
    private WarehouseClient Client => new(_swarm[9]);

    private IEnumerable<Ipv4Endpoint> Others => _swarm.Nodes.Take(9).Select(SimulatedSwarm.ServerOf);

    private IEnumerable<Ipv4Endpoint> OtherWarehouses => Enumerable.Range(0, 9).Where(i => !PlainNodes.Contains(i)).Select(i => SimulatedSwarm.ServerOf(_swarm[i]));

    [Fact]
    public void A_survey_meets_every_node_and_tells_the_warehouses_apart()
    {
        var survey = _swarm.Run(() => Client.SurveyAsync());

        Assert.Equal(Sorted(OtherWarehouses), survey.Warehouses);
        Assert.Equal(Sorted(Others), survey.Nodes);
    }

    [Fact]
    public void Listing_everything_gives_each_warehouse_inventory_and_leaves_plain_nodes_out()
    {
        var client = Client;
        var stored = _swarm.Run(() => client.StoreAsync("greeting", "hello"u8.ToArray()));
        Assert.Equal(3, stored.StoredOn.Count);

        var inventories = _swarm.Run(() => client.ListAllAsync());

        Assert.Equal(Sorted(OtherWarehouses), inventories.Select(i => i.Warehouse));
        var holding = inventories.Where(i => i.Items.Any(item => item.FullKey == stored.Target.ToString())).Select(i => i.Warehouse);
        Assert.Equal(Sorted(stored.StoredOn), holding);
    }

    [Fact]
    public void Listing_named_nodes_keeps_their_order_and_leaves_out_those_that_are_no_warehouse()
    {
        var warehouses = OtherWarehouses.ToList();
        var asked = new[] { warehouses[2], SimulatedSwarm.ServerOf(_swarm[0]), warehouses[0] };

        var inventories = _swarm.Run(() => Client.ListEachAsync(asked));

        Assert.Equal([warehouses[2], warehouses[0]], inventories.Select(i => i.Warehouse));
        Assert.All(inventories, i => Assert.Empty(i.Items));
    }

    [Fact]
    public void Warehouses_near_a_key_are_only_warehouses()
    {
        var near = _swarm.Run(() => Client.FindWarehousesNearAsync("greeting"));

        Assert.Equal(Sorted(OtherWarehouses), Sorted(near.Select(c => c.Peer.Endpoint)));
        Assert.All(near, c => Assert.NotEmpty(c.Token));
    }

    [Fact]
    public void The_fastest_warehouse_is_the_one_that_answers_the_lookup_first()
    {
        var quick = SimulatedSwarm.ServerOf(_swarm[5]);
        foreach (var i in new[] { 1, 3, 7, 8 })
        {
            SlowDownTokens(_swarm[i], TimeSpan.FromMilliseconds(40));
        }

        var fastest = _swarm.Run(() => Client.FindFastestWarehouseAsync());

        Assert.Equal(quick, fastest!.Peer.Endpoint);
    }

    [Fact]
    public void A_network_without_warehouses_has_no_fastest_and_an_empty_survey_of_warehouses()
    {
        var plain = new SimulatedSwarm().Make(5);
        var client = new WarehouseClient(plain[4]);

        Assert.Null(plain.Run(() => client.FindFastestWarehouseAsync()));
        var survey = plain.Run(() => client.SurveyAsync());
        Assert.Empty(survey.Warehouses);
        Assert.Equal(4, survey.Nodes.Count);
        Assert.Empty(plain.Run(() => client.ListAllAsync()));
    }

    /// <summary>Makes <paramref name="node"/> answer STORE's query phase (no token yet) only after <paramref name="delay"/>.</summary>
    private void SlowDownTokens(DhtNode node, TimeSpan delay)
    {
        var dispatch = node.RequestHandler!;
        node.RequestHandler = request =>
        {
            if (request.Command == StorageCommands.WarehouseStore && request.Token is null)
            {
                _ = LaterAsync(request);
            }
            else
            {
                dispatch(request);
            }
        };

        async Task LaterAsync(IncomingRequest request)
        {
            await Task.Delay(delay, _swarm.Host.Clock);
            dispatch(request);
        }
    }

    private static List<Ipv4Endpoint> Sorted(IEnumerable<Ipv4Endpoint> endpoints) => [.. endpoints.OrderBy(e => e.Address).ThenBy(e => e.Port)];
}
