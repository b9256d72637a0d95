using DhtRpc.Rpc;
using DhtRpc.Storage.Protocol;
using DhtRpc.Storage.Stores;

namespace DhtRpc.Storage;

/// <summary>The content store: immutable values under their SHA-256 (the study's INSERT/GET protocol).</summary>
public sealed partial class StorageNode
{
    private void HandleContentInsert(IncomingRequest request)
    {
        if (request.Token is null || request.Value is null)
        {
            // Query phase: answer like GET, which also hands the requester a token for the commit.
            HandleContentGet(request);
            return;
        }

        if (request.Target is not { } target)
        {
            Refuse(request, StorageErrors.Malformed);
            return;
        }

        var value = request.Value;
        if (value.Length > Options.MaxValueSize)
        {
            Refuse(request, StorageErrors.ValueTooLarge);
            return;
        }

        if (Sha256(value) != target)
        {
            Refuse(request, StorageErrors.HashMismatch);
            return;
        }

        Submit(request, store =>
        {
            var now = Now;
            var existing = store.Get(ItemSpace.Content, target);
            if (existing is null)
            {
                if (MakeRoom(store, request, value.Length, null) is { } code)
                {
                    Refuse(request, code);
                    return;
                }

                store.Put(new StoredItem
                {
                    Space = ItemSpace.Content,
                    Key = target,
                    Value = value,
                    StoredAt = now,
                    StoredBy = request.From.Endpoint.ToString(),
                    ExpiresAt = now + Options.RecordTtl,
                });
                AddTotals(store, 1, 0, 0);
            }
            else
            {
                // Stored again (a republish or another publisher): the record lives on.
                store.Put(existing with { ExpiresAt = now + Options.RecordTtl });
            }

            _lastStoredByOthers[target] = now;
            Acknowledge(request);
        });
    }

    private void HandleContentGet(IncomingRequest request)
    {
        if (request.Target is not { } target)
        {
            Refuse(request, StorageErrors.Malformed);
            return;
        }

        Submit(request, store =>
        {
            var held = store.Get(ItemSpace.Content, target);
            if (held is null || !IsLive(held))
            {
                request.Reply(null);
                return;
            }

            AddTotals(store, 0, 1, 0);
            Stats.CountServed();
            request.Reply(held.Value);
        });
    }
}
