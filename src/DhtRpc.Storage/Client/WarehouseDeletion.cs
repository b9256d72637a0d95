using DhtRpc.Wire;

namespace DhtRpc.Storage.Client;

/// <summary>How one warehouse answered a delete (103, or 105 for a signed item).</summary>
public enum WarehouseDeleteStatus
{
    /// <summary>The warehouse held the item and removed it.</summary>
    Deleted,

    /// <summary>The warehouse holds nothing under the key: never stored there, expired, or deleted before.</summary>
    NotFound,

    /// <summary>
    /// The warehouse refused: it replied with an error code (<see cref="WarehouseDeleteOutcome.ErrorCode"/>, for
    /// example not the owner), or it gave no token, so it is no warehouse (code 0). Nothing was deleted there.
    /// </summary>
    Refused,

    /// <summary>The warehouse did not answer: the request timed out or failed on the way.</summary>
    NoReply,

    /// <summary>The warehouse answered neither "deleted" nor "not-found": it runs another kind of warehouse.</summary>
    Unreadable,
}

/// <summary>What one warehouse did with a delete.</summary>
/// <param name="Warehouse">The warehouse asked.</param>
/// <param name="Status">Its answer.</param>
/// <param name="ErrorCode">
/// The error code of a <see cref="WarehouseDeleteStatus.Refused"/> reply (see <see cref="Protocol.StorageErrors"/>);
/// 0 for every other status, and for a node that refused by giving no token.
/// </param>
/// <param name="Reason">
/// One sentence that names the warehouse and says why nothing was deleted there; null for
/// <see cref="WarehouseDeleteStatus.Deleted"/> and <see cref="WarehouseDeleteStatus.NotFound"/>.
/// </param>
public sealed record WarehouseDeleteOutcome(Ipv4Endpoint Warehouse, WarehouseDeleteStatus Status, ulong ErrorCode = 0, string? Reason = null)
{
    /// <summary>True when the warehouse neither deleted the item nor said it holds none: it refused, was silent, or was unreadable.</summary>
    public bool IsFailure => Status is not (WarehouseDeleteStatus.Deleted or WarehouseDeleteStatus.NotFound);
}

/// <summary>What a delete from every warehouse near a key found, warehouse by warehouse.</summary>
/// <param name="Target">The target deleted: sha256 of the key.</param>
/// <param name="Outcomes">One outcome per warehouse asked, closest to the target first; empty when the lookup found no warehouse.</param>
public sealed record WarehouseDeleteResult(NodeId Target, IReadOnlyList<WarehouseDeleteOutcome> Outcomes)
{
    /// <summary>The warehouses that held the item and removed it, in the order of <see cref="Outcomes"/>.</summary>
    public IReadOnlyList<Ipv4Endpoint> DeletedFrom =>
        Outcomes.Where(o => o.Status == WarehouseDeleteStatus.Deleted).Select(o => o.Warehouse).ToList();

    /// <summary>The warehouses that refused, were silent or answered unreadably (see <see cref="WarehouseDeleteOutcome.IsFailure"/>).</summary>
    public IReadOnlyList<WarehouseDeleteOutcome> Failures => Outcomes.Where(o => o.IsFailure).ToList();
}
