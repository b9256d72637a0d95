using DhtRpc.Storage.Protocol;
using DhtRpc.Wire;

namespace DhtRpc.Storage.Client;

/// <summary>The nodes a survey of the network met (see <see cref="WarehouseClient.SurveyAsync"/>).</summary>
/// <param name="Warehouses">The nodes that answered STORE's query phase (100) with a token, by address then port.</param>
/// <param name="Nodes">
/// Every node met, the warehouses among them, by address then port. A node outside <paramref name="Warehouses"/>
/// may still serve the other warehouse commands (a warehouse that hands out no token in a walk), so a caller
/// that wants every inventory asks all of them.
/// </param>
public sealed record WarehouseSurvey(IReadOnlyList<Ipv4Endpoint> Warehouses, IReadOnlyList<Ipv4Endpoint> Nodes);

/// <summary>One warehouse's whole inventory.</summary>
/// <param name="Warehouse">The warehouse that answered LIST (102).</param>
/// <param name="Items">Every item of its inventory, in the order its pages gave them.</param>
public sealed record WarehouseInventory(Ipv4Endpoint Warehouse, IReadOnlyList<InventoryItem> Items);
