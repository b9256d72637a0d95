using System.Globalization;
using System.Text;
using DhtRpc.Wire;
using DhtRpc.Rpc;
using DhtRpc.Storage.Protocol;
using DhtRpc.Storage.Stores;

namespace DhtRpc.Storage;

/// <summary>The warehouse: items under client-chosen targets, with metadata, inventory and ownership.</summary>
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

        var now = Now;
        var refused = WithStore(store =>
        {
            var existing = store.Get(ItemSpace.Warehouse, target);
            if (existing is not null && (existing.OwnerKey is not null || !SameHost(existing.StoredBy, request.From.Endpoint)))
            {
                return StorageErrors.NotOwner;
            }

            if (CheckLimits(store, value.Length, existing) is { } code)
            {
                return code;
            }

            store.Put(new StoredItem
            {
                Space = ItemSpace.Warehouse,
                Key = target,
                Value = value,
                StoredAt = now,
                StoredBy = request.From.Endpoint.ToString(),
            });
            store.AddTotals(1, 0, 0);
            return (ulong?)null;
        });
        FinishStore(request, refused);
    }

    private void HandleWarehouseStoreSigned(IncomingRequest request)
    {
        if (!TryReadSigned(request, SignedEnvelope.Purpose.Store, out var target, out var envelope))
        {
            return;
        }

        var now = Now;
        var refused = WithStore(store =>
        {
            var existing = store.Get(ItemSpace.Warehouse, target);
            if (existing is not null)
            {
                if (existing.OwnerKey is null || !existing.OwnerKey.AsSpan().SequenceEqual(envelope.PublicKey))
                {
                    return StorageErrors.NotOwner;
                }

                if ((ulong)existing.Sequence >= envelope.Sequence)
                {
                    return StorageErrors.StaleSequence;
                }
            }

            if (CheckLimits(store, envelope.Payload.Length, existing) is { } code)
            {
                return code;
            }

            store.Put(new StoredItem
            {
                Space = ItemSpace.Warehouse,
                Key = target,
                Value = envelope.Payload,
                StoredAt = now,
                StoredBy = request.From.Endpoint.ToString(),
                OwnerKey = envelope.PublicKey,
                Sequence = (long)Math.Min(envelope.Sequence, long.MaxValue),
            });
            store.AddTotals(1, 0, 0);
            return (ulong?)null;
        });
        FinishStore(request, refused);
    }

    /// <summary>
    /// Reads a signed request. Without a token or target it is answered as <see cref="HasTokenAndTarget"/>
    /// says; a missing or forged envelope is refused. Returns true when the caller should go on.
    /// </summary>
    private bool TryReadSigned(IncomingRequest request, SignedEnvelope.Purpose purpose, out NodeId target, out SignedEnvelope envelope)
    {
        target = default;
        envelope = null!;
        if (!HasTokenAndTarget(request, out var t))
        {
            return false;
        }

        if (request.Value is null || !SignedEnvelope.TryParse(request.Value, out var parsed))
        {
            Refuse(request, StorageErrors.Malformed);
            return false;
        }

        if (!parsed!.Verify(purpose, t))
        {
            Refuse(request, StorageErrors.BadSignature);
            return false;
        }

        target = t;
        envelope = parsed;
        return true;
    }

    private void FinishStore(IncomingRequest request, ulong? refused)
    {
        if (refused is { } error)
        {
            Refuse(request, error);
            return;
        }

        Stats.CountStored();
        request.Reply(null);
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

        var now = Now;
        var item = WithStore(store =>
        {
            var accessed = store.RecordAccess(ItemSpace.Warehouse, target, now);
            if (accessed is not null)
            {
                store.AddTotals(0, 1, 0);
            }

            return accessed;
        });
        if (item is not null)
        {
            Stats.CountServed();
        }

        request.Reply(item?.Value);
    }

    private void HandleWarehouseDelete(IncomingRequest request)
    {
        if (!HasTokenAndTarget(request, out var target))
        {
            return;
        }

        // The token proves the requester's IP; only the host that stored an unsigned item may delete it.
        var outcome = WithStore(store =>
        {
            var existing = store.Get(ItemSpace.Warehouse, target);
            if (existing is null)
            {
                return DeleteOutcome.NotFound;
            }

            if (existing.OwnerKey is not null || !SameHost(existing.StoredBy, request.From.Endpoint))
            {
                return DeleteOutcome.NotOwner;
            }

            store.Delete(ItemSpace.Warehouse, target);
            store.AddTotals(0, 0, 1);
            return DeleteOutcome.Deleted;
        });
        FinishDelete(request, outcome);
    }

    private void HandleWarehouseDeleteSigned(IncomingRequest request)
    {
        if (!TryReadSigned(request, SignedEnvelope.Purpose.Delete, out var target, out var envelope))
        {
            return;
        }

        var outcome = WithStore(store =>
        {
            var existing = store.Get(ItemSpace.Warehouse, target);
            if (existing is null)
            {
                return DeleteOutcome.NotFound;
            }

            if (existing.OwnerKey is null || !existing.OwnerKey.AsSpan().SequenceEqual(envelope.PublicKey))
            {
                return DeleteOutcome.NotOwner;
            }

            if ((ulong)existing.Sequence >= envelope.Sequence)
            {
                return DeleteOutcome.Stale;
            }

            store.Delete(ItemSpace.Warehouse, target);
            store.AddTotals(0, 0, 1);
            return DeleteOutcome.Deleted;
        });
        FinishDelete(request, outcome);
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
        var page = request.Value is null
            ? WithStore(store => InventoryPage.BuildWhole(store, Options.WholeListBytes, Options.Location))
            : WithStore(store => InventoryPage.Build(store, offset, Options.ListPageBytes, Options.Location));
        request.Reply(page);
    }

    private void HandleWarehouseKeyStats(IncomingRequest request)
    {
        if (request.Target is not { } target)
        {
            Refuse(request, StorageErrors.Malformed);
            return;
        }

        var item = WithStore(store => store.Get(ItemSpace.Warehouse, target));
        request.Reply(item is null ? null : InventoryPage.KeyStats(item, Options.Location));
    }

    private void HandleWarehouseInfo(IncomingRequest request)
    {
        if (request.FromUnprovenAddress)
        {
            request.RequireToken(); // the analytics and counters are many times the request's size
            return;
        }

        var info = WithStore(store => new NodeInfo(
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
        });
        request.Reply(InventoryPage.Info(info));
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
