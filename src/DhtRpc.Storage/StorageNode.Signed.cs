using DhtRpc.Wire;
using DhtRpc.Rpc;
using DhtRpc.Storage.Protocol;
using DhtRpc.Storage.Stores;

namespace DhtRpc.Storage;

/// <summary>
/// Owner-signed warehouse items: only the key that signed the first store may update (with a higher
/// sequence) or delete it, from any address. A signed delete leaves a tombstone with its sequence, so a
/// replayed older store cannot bring the item back while the tombstone lasts.
/// </summary>
public sealed partial class StorageNode
{
    private void HandleWarehouseStoreSigned(IncomingRequest request)
    {
        if (!TryReadSigned(request, SignedEnvelope.Purpose.Store, out var target, out var envelope))
        {
            return;
        }

        Submit(request, store =>
        {
            var now = Now;
            var existing = Live(store.Get(ItemSpace.Warehouse, target), store);
            var sequence = (long)Math.Min(envelope.Sequence, long.MaxValue);
            if (CheckSignedWrite(existing, LiveTombstone(store, target, now), envelope) is { } refused)
            {
                // The same signed store again (an owner refreshing, a holder republishing) renews the item.
                if (refused == StorageErrors.StaleSequence && existing is not null && IsSameSignedStore(existing, envelope))
                {
                    store.Put(existing with { ExpiresAt = now + Options.RecordTtl });
                    Acknowledge(request);
                    return;
                }

                Refuse(request, refused);
                return;
            }

            if (MakeRoom(store, request, envelope.Payload.Length, existing) is { } code)
            {
                Refuse(request, code);
                return;
            }

            store.Put(new StoredItem
            {
                Space = ItemSpace.Warehouse,
                Key = target,
                Value = envelope.Payload,
                StoredAt = now,
                StoredBy = request.From.Endpoint.ToString(),
                OwnerKey = envelope.PublicKey,
                Sequence = sequence,
                Signature = envelope.Signature,
                ExpiresAt = now + Options.RecordTtl,
            });
            AddTotals(store, 1, 0, 0);
            Acknowledge(request);
        });
    }

    private void HandleWarehouseDeleteSigned(IncomingRequest request)
    {
        if (!TryReadSigned(request, SignedEnvelope.Purpose.Delete, out var target, out var envelope))
        {
            return;
        }

        Submit(request, store =>
        {
            var now = Now;
            var existing = Live(store.Get(ItemSpace.Warehouse, target), store);
            if (existing is null)
            {
                FinishDelete(request, DeleteOutcome.NotFound);
                return;
            }

            if (CheckSignedWrite(existing, null, envelope) is { } refused)
            {
                FinishDelete(request, refused == StorageErrors.NotOwner ? DeleteOutcome.NotOwner : DeleteOutcome.Stale);
                return;
            }

            store.Delete(ItemSpace.Warehouse, target);
            var lapses = now + Options.RecordTtl;
            store.PutTombstone(new Tombstone
            {
                Space = ItemSpace.Warehouse,
                Key = target,
                OwnerKey = envelope.PublicKey,
                Sequence = (long)Math.Min(envelope.Sequence, long.MaxValue),
                ExpiresAt = existing.ExpiresAt is { } at && at > lapses ? at : lapses,
            });
            AddTotals(store, 0, 0, 1);
            FinishDelete(request, DeleteOutcome.Deleted);
        });
    }

    /// <summary>
    /// Whether a signed write may replace what is held: the held item or tombstone must belong to the
    /// signing key (else NOT_OWNER) and carry a lower sequence (else STALE_SEQUENCE); null when it may.
    /// </summary>
    private static ulong? CheckSignedWrite(StoredItem? existing, Tombstone? tombstone, SignedEnvelope envelope)
    {
        var (owner, sequence) = existing is not null
            ? (existing.OwnerKey, existing.Sequence)
            : tombstone is not null ? (tombstone.OwnerKey, tombstone.Sequence) : (null, -1L);
        if (existing is null && tombstone is null)
        {
            return null;
        }

        if (owner is null || !owner.AsSpan().SequenceEqual(envelope.PublicKey))
        {
            return StorageErrors.NotOwner;
        }

        return (ulong)sequence >= envelope.Sequence ? StorageErrors.StaleSequence : null;
    }

    private static bool IsSameSignedStore(StoredItem existing, SignedEnvelope envelope) =>
        (ulong)existing.Sequence == envelope.Sequence &&
        existing.Signature is { } signature && signature.AsSpan().SequenceEqual(envelope.Signature) &&
        existing.Value.AsSpan().SequenceEqual(envelope.Payload);

    /// <summary>The tombstone under the key while it lasts; null when there is none or it lapsed.</summary>
    private static Tombstone? LiveTombstone(IItemStore store, NodeId target, DateTimeOffset now) =>
        store.GetTombstone(ItemSpace.Warehouse, target) is { } tombstone && tombstone.ExpiresAt > now ? tombstone : null;

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
}
