using DhtRpc.Storage.Protocol;
using DhtRpc.Wire;

namespace DhtRpc.Storage.Client;

/// <summary>Finding warehouses: near a target, across the network, the fastest one, and every inventory.</summary>
public sealed partial class WarehouseClient
{
    /// <summary>Warehouses near <paramref name="target"/> that answer STORE's query phase with a token, closest first.</summary>
    public async Task<IReadOnlyList<WarehouseCandidate>> FindWarehousesAsync(NodeId target, CancellationToken cancellationToken = default)
    {
        var query = Node.Query(target, StorageCommands.WarehouseStore);
        await query.ToListAsync(cancellationToken).ConfigureAwait(true);
        return query.ClosestReplies
            .Where(r => r.Token is not null && r.Error == 0)
            .Select(r => new WarehouseCandidate(r.From, r.Token!, r.Rtt))
            .ToList();
    }

    /// <summary>Warehouses near sha256(<paramref name="key"/>), where an item stored under <paramref name="key"/> lives, closest first.</summary>
    public Task<IReadOnlyList<WarehouseCandidate>> FindWarehousesNearAsync(string key, CancellationToken cancellationToken = default) =>
        FindWarehousesAsync(TargetOf(key), cancellationToken);

    /// <summary>
    /// The warehouse that answered fastest in a lookup toward a random target (see <see cref="HolderChoice.Fastest"/>);
    /// null when the lookup found no warehouse.
    /// </summary>
    public async Task<WarehouseCandidate?> FindFastestWarehouseAsync(CancellationToken cancellationToken = default) =>
        HolderChoice.Fastest(await FindWarehousesAsync(NodeId.Random(), cancellationToken).ConfigureAwait(true));

    /// <summary>
    /// Surveys the network: two walks toward random targets with STORE's query phase (100), which warehouses
    /// answer with a token, a FIND_NODE walk toward a third, and the node's own routing table. The walks run at
    /// once; a large network is sampled, not listed in full.
    /// </summary>
    public async Task<WarehouseSurvey> SurveyAsync(CancellationToken cancellationToken = default)
    {
        var gate = new Lock();
        var warehouses = new HashSet<Ipv4Endpoint>();
        var nodes = new HashSet<Ipv4Endpoint>();

        async Task TokenWalkAsync()
        {
            var query = Node.Query(NodeId.Random(), StorageCommands.WarehouseStore);
            await foreach (var reply in query.WithCancellation(cancellationToken).ConfigureAwait(true))
            {
                lock (gate)
                {
                    nodes.Add(reply.From.Endpoint);
                    if (reply.Error == 0 && reply.Token is not null)
                    {
                        warehouses.Add(reply.From.Endpoint);
                    }
                }
            }
        }

        async Task NodeWalkAsync()
        {
            var walk = Node.FindNode(NodeId.Random());
            await foreach (var reply in walk.WithCancellation(cancellationToken).ConfigureAwait(true))
            {
                lock (gate)
                {
                    nodes.Add(reply.From.Endpoint);
                }
            }
        }

        await Task.WhenAll(TokenWalkAsync(), TokenWalkAsync(), NodeWalkAsync()).ConfigureAwait(true);
        var known = await Node.GetNodesAsync().ConfigureAwait(true);
        lock (gate)
        {
            nodes.UnionWith(known);
            nodes.UnionWith(warehouses);
            return new WarehouseSurvey(Sorted(warehouses), Sorted(nodes));
        }
    }

    /// <summary>
    /// The inventory of every node a survey (<see cref="SurveyAsync"/>) meets that answers LIST as a warehouse,
    /// by address then port. Nodes that refuse, do not answer or answer in another format are left out.
    /// </summary>
    public async Task<IReadOnlyList<WarehouseInventory>> ListAllAsync(CancellationToken cancellationToken = default)
    {
        var survey = await SurveyAsync(cancellationToken).ConfigureAwait(true);
        return await ListEachAsync(survey.Nodes, cancellationToken).ConfigureAwait(true);
    }

    /// <summary>
    /// The inventories of <paramref name="nodes"/>, asked at once, in the order given; a node that refuses, does not
    /// answer or answers in another format is left out (<see cref="ListAsync"/> says why for one node).
    /// </summary>
    public async Task<IReadOnlyList<WarehouseInventory>> ListEachAsync(IEnumerable<Ipv4Endpoint> nodes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var lists = await Task.WhenAll(nodes.Select(async node => (Node: node, Items: await TryListAsync(node, cancellationToken).ConfigureAwait(true)))).ConfigureAwait(true);
        return lists.Where(l => l.Items is not null).Select(l => new WarehouseInventory(l.Node, l.Items!)).ToList();
    }

    private async Task<IReadOnlyList<InventoryItem>?> TryListAsync(Ipv4Endpoint node, CancellationToken cancellationToken)
    {
        try
        {
            return await ListAsync(node, cancellationToken).ConfigureAwait(true);
        }
        catch (Exception e) when (e is DhtException or StorageException)
        {
            // Not a warehouse, gone, or another kind of warehouse: no inventory to show.
            return null;
        }
    }

    private static List<Ipv4Endpoint> Sorted(IEnumerable<Ipv4Endpoint> endpoints) =>
        endpoints.OrderBy(e => e.Address).ThenBy(e => e.Port).ToList();
}
