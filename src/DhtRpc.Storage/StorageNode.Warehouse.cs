using System.Globalization;
using System.Text;
using DhtRpc.Wire;
using DhtRpc.Rpc;
using DhtRpc.Storage.Logging;
using DhtRpc.Storage.Protocol;
using DhtRpc.Storage.Stores;

namespace DhtRpc.Storage;

/// <summary>
/// The warehouse: items under client-chosen targets, with metadata, inventory and ownership. Unsigned
/// items belong to the host that stored them first; signed ones (see StorageNode.Signed.cs) to a key.
/// Every item lives <see cref="StorageOptions.RecordTtl"/> unless stored again.
/// </summary>
public sealed partial class StorageNode
{
    private static readonly byte[] DeletedReply = "deleted"u8.ToArray();
    private static readonly byte[] NotFoundReply = "not-found"u8.ToArray();

    private void HandleWarehouseStore(IncomingRequest request)
    {
        if (!HasTokenAndTarget(request, out var target))
        {
            return;
        }

        if (request.Value is not { } value)
        {
            Refuse(request, StorageErrors.Malformed);
            return;
        }

        Submit(request, store =>
        {
            var now = Now;
            var existing = Live(store.Get(ItemSpace.Warehouse, target), store);
            if ((existing is not null && (existing.OwnerKey is not null || !SameHost(existing.StoredBy, request.From.Endpoint))) ||
                LiveTombstone(store, target, now) is not null)
            {
                Refuse(request, StorageErrors.NotOwner);
                return;
            }

            if (MakeRoom(store, request, value.Length, existing) is { } code)
            {
                Refuse(request, code);
                return;
            }

            // Stored again by its owner, an item lives on for another lifetime.
            store.Put(new StoredItem
            {
                Space = ItemSpace.Warehouse,
                Key = target,
                Value = value,
                StoredAt = now,
                StoredBy = request.From.Endpoint.ToString(),
                ExpiresAt = now + Options.RecordTtl,
            });
            AddTotals(store, 1, 0, 0);
            Acknowledge(request);
        });
    }

    /// <summary>Answers a store that was written (the reply leaves only after the store returned).</summary>
    private void Acknowledge(IncomingRequest request)
    {
        Stats.CountStored();
        request.Reply(null);
    }

    /// <summary>
    /// Adds to the store's persistent totals. They are statistics: a store that cannot write them (a full
    /// disk) loses a count, and the write or read they count still stands and is answered as such.
    /// </summary>
    private void AddTotals(IItemStore store, long stored, long served, long deleted)
    {
        try
        {
            store.AddTotals(stored, served, deleted);
        }
        catch (StorageException e)
        {
            _logger.AccessNotCounted(e);
        }
    }

    /// <summary>The item when it is live; a lapsed one is removed on the way (it is gone either way).</summary>
    private StoredItem? Live(StoredItem? item, IItemStore store)
    {
        if (item is null || IsLive(item))
        {
            return item;
        }

        store.Delete(item.Space, item.Key);
        return null;
    }

    /// <summary>
    /// A write (store, delete) needs a token and a target. Without a token, the query phase (no value)
    /// gets an empty reply carrying one, which is what a writer looks for, and a value is refused with
    /// INVALID_TOKEN. Neither is answered with the held value: a tokenless request proves nothing about
    /// its source address, so it must not draw more than it sent.
    /// </summary>
    private bool HasTokenAndTarget(IncomingRequest request, out NodeId target)
    {
        target = default;
        if (request.Token is null)
        {
            if (request.Value is null)
            {
                request.Reply(null);
            }
            else
            {
                Refuse(request, ErrorCodes.InvalidToken);
            }

            return false;
        }

        if (request.Target is not { } t)
        {
            Refuse(request, StorageErrors.Malformed);
            return false;
        }

        target = t;
        return true;
    }

    private void HandleWarehouseGet(IncomingRequest request)
    {
        if (request.Target is not { } target)
        {
            Refuse(request, StorageErrors.Malformed);
            return;
        }

        Submit(request, store => request.Reply(ReadForServing(store, target)?.Value));
    }

    private void HandleWarehouseGetVerifiable(IncomingRequest request)
    {
        if (request.Target is not { } target)
        {
            Refuse(request, StorageErrors.Malformed);
            return;
        }

        Submit(request, store =>
        {
            var item = ReadForServing(store, target);
            request.Reply(item switch
            {
                null => null,
                { OwnerKey: { } owner, Signature: { } signature } =>
                    VerifiableReply.ForSigned(owner, (ulong)item.Sequence, signature, item.Value),
                _ => VerifiableReply.ForUnsigned(item.Value),
            });
        });
    }

    /// <summary>A live item, with the access counted; null when none is held.</summary>
    private StoredItem? ReadForServing(IItemStore store, NodeId target)
    {
        if (Live(store.Get(ItemSpace.Warehouse, target), store) is null)
        {
            return null;
        }

        StoredItem? item;
        try
        {
            item = store.RecordAccess(ItemSpace.Warehouse, target, Now);
        }
        catch (StorageException e)
        {
            // Counting the access is a write, and a full disk refuses it: the item is still served.
            _logger.AccessNotCounted(e);
            item = store.Get(ItemSpace.Warehouse, target);
        }

        if (item is not null)
        {
            AddTotals(store, 0, 1, 0);
            Stats.CountServed();
        }

        return item;
    }

    private void HandleWarehouseDelete(IncomingRequest request)
    {
        if (!HasTokenAndTarget(request, out var target))
        {
            return;
        }

        // The token proves the requester's IP; only the host that stored an unsigned item may delete it.
        Submit(request, store =>
        {
            var existing = Live(store.Get(ItemSpace.Warehouse, target), store);
            if (existing is null)
            {
                FinishDelete(request, DeleteOutcome.NotFound);
            }
            else if (existing.OwnerKey is not null || !SameHost(existing.StoredBy, request.From.Endpoint))
            {
                FinishDelete(request, DeleteOutcome.NotOwner);
            }
            else
            {
                store.Delete(ItemSpace.Warehouse, target);
                AddTotals(store, 0, 0, 1);
                FinishDelete(request, DeleteOutcome.Deleted);
            }
        });
    }

    private void FinishDelete(IncomingRequest request, DeleteOutcome outcome)
    {
        switch (outcome)
        {
            case DeleteOutcome.Deleted:
                Stats.CountDeleted();
                request.Reply(DeletedReply);
                break;
            case DeleteOutcome.NotFound:
                request.Reply(NotFoundReply);
                break;
            case DeleteOutcome.NotOwner:
                Refuse(request, StorageErrors.NotOwner);
                break;
            default:
                Refuse(request, StorageErrors.StaleSequence);
                break;
        }
    }

    private void HandleWarehouseList(IncomingRequest request)
    {
        var offset = 0;
        if (request.Value is { Length: > 0 } value &&
            !int.TryParse(Encoding.ASCII.GetString(value), NumberStyles.None, CultureInfo.InvariantCulture, out offset))
        {
            Refuse(request, StorageErrors.Malformed);
            return;
        }

        // No value: the study's client, which wants every item in one reply; a value: a page from that offset.
        Submit(request, store => request.Reply(request.Value is null
            ? InventoryPage.BuildWhole(store, Options.WholeListBytes, Options.Location)
            : InventoryPage.Build(store, offset, Options.ListPageBytes, Options.Location)));
    }

    private void HandleWarehouseKeyStats(IncomingRequest request)
    {
        if (request.Target is not { } target)
        {
            Refuse(request, StorageErrors.Malformed);
            return;
        }

        Submit(request, store =>
        {
            var item = Live(store.Get(ItemSpace.Warehouse, target), store);
            request.Reply(item is null ? null : InventoryPage.KeyStats(item, Options.Location));
        });
    }

    private void HandleWarehouseInfo(IncomingRequest request)
    {
        if (request.FromUnprovenAddress)
        {
            request.RequireToken(); // the analytics and counters are many times the request's size
            return;
        }

        Submit(request, store => request.Reply(InventoryPage.Info(new NodeInfo(
            Options.Location,
            Node.Id?.ToString(),
            store.Count(ItemSpace.Warehouse),
            store.Count(ItemSpace.Content),
            store.TotalBytes(),
            store.Totals.Stored,
            store.Totals.Served,
            store.Totals.Deleted,
            (long)Uptime.TotalSeconds)
        {
            Counters = Node.Stats.Counters(),
        })));
    }

    private enum DeleteOutcome
    {
        Deleted,
        NotFound,
        NotOwner,
        Stale,
    }
}

/// <summary>A storage node's analytics, as the INFO command reports them.</summary>
/// <param name="Location">The node's location tag, if it has one.</param>
/// <param name="NodeId">The node's id in hex (null while it has none).</param>
/// <param name="Items">Warehouse items held.</param>
/// <param name="ContentItems">Content-addressed items held.</param>
/// <param name="Bytes">Bytes held in all.</param>
/// <param name="TotalStored">Items stored since the store was created.</param>
/// <param name="TotalServed">Reads served since the store was created.</param>
/// <param name="TotalDeleted">Items deleted since the store was created.</param>
/// <param name="UptimeSeconds">Seconds since the node started.</param>
public sealed record NodeInfo(string? Location, string? NodeId, int Items, int ContentItems, long Bytes, long TotalStored, long TotalServed, long TotalDeleted, long UptimeSeconds)
{
    /// <summary>The node's drop, refusal and limit counters (see <see cref="DhtRpc.Rpc.DhtStats.Counters"/>); null from nodes that do not report them.</summary>
    public IReadOnlyDictionary<string, long>? Counters { get; init; }
}
