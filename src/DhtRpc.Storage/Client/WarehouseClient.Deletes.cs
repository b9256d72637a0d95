using DhtRpc.Rpc;
using DhtRpc.Storage.Protocol;
using DhtRpc.Wire;
using NSec.Cryptography;

namespace DhtRpc.Storage.Client;

/// <summary>Deletes: from one warehouse, or from every warehouse near the key; each answer is a typed outcome.</summary>
public sealed partial class WarehouseClient
{
    private static readonly byte[] DeletedReply = "deleted"u8.ToArray();
    private static readonly byte[] NotFoundReply = "not-found"u8.ToArray();

    /// <summary>
    /// Deletes an unsigned item (103) from one warehouse, asking it for a token first. Only the address that
    /// stored the item may delete it. A refusal, silence or an unreadable answer is an outcome, not an exception.
    /// </summary>
    public async Task<WarehouseDeleteOutcome> DeleteFromAsync(string key, Ipv4Endpoint warehouse, CancellationToken cancellationToken = default)
    {
        var delete = new Delete(TargetOf(key), StorageCommands.WarehouseDelete, null);
        return await TryDeleteAsync(warehouse, null, delete, cancellationToken).ConfigureAwait(true);
    }

    /// <summary>Deletes an owner-signed item (105) from one warehouse, asking it for a token first; outcomes as <see cref="DeleteFromAsync"/>.</summary>
    /// <param name="owner">The owner's Ed25519 key, which signs the delete.</param>
    /// <param name="key">The item's name.</param>
    /// <param name="sequence">Above the sequence of the copy held (see <see cref="WarehouseRead.NextSequence"/>).</param>
    /// <param name="warehouse">The warehouse to delete from.</param>
    /// <param name="cancellationToken">Stops the delete.</param>
    public async Task<WarehouseDeleteOutcome> DeleteSignedFromAsync(Key owner, string key, ulong sequence, Ipv4Endpoint warehouse, CancellationToken cancellationToken = default)
    {
        return await TryDeleteAsync(warehouse, null, SignedDelete(owner, key, sequence), cancellationToken).ConfigureAwait(true);
    }

    /// <summary>
    /// Deletes an unsigned item (103) from every warehouse near sha256(<paramref name="key"/>) that gives a token
    /// in the lookup, all at once; the result has one outcome per warehouse, closest first.
    /// </summary>
    public async Task<WarehouseDeleteResult> DeleteAsync(string key, CancellationToken cancellationToken = default)
    {
        return await DeleteEverywhereAsync(new Delete(TargetOf(key), StorageCommands.WarehouseDelete, null), cancellationToken).ConfigureAwait(true);
    }

    /// <summary>Deletes an owner-signed item (105) from every warehouse near sha256(<paramref name="key"/>); as <see cref="DeleteAsync"/>.</summary>
    /// <param name="owner">The owner's Ed25519 key, which signs the delete.</param>
    /// <param name="key">The item's name.</param>
    /// <param name="sequence">Above the sequence of the copies held (see <see cref="WarehouseRead.NextSequence"/>).</param>
    /// <param name="cancellationToken">Stops the delete.</param>
    public async Task<WarehouseDeleteResult> DeleteSignedAsync(Key owner, string key, ulong sequence, CancellationToken cancellationToken = default)
    {
        return await DeleteEverywhereAsync(SignedDelete(owner, key, sequence), cancellationToken).ConfigureAwait(true);
    }

    private static Delete SignedDelete(Key owner, string key, ulong sequence)
    {
        var target = TargetOf(key);
        return new Delete(target, StorageCommands.WarehouseDeleteSigned, SignedEnvelope.Create(owner, SignedEnvelope.Purpose.Delete, target, sequence, []));
    }

    private async Task<WarehouseDeleteResult> DeleteEverywhereAsync(Delete delete, CancellationToken cancellationToken)
    {
        var candidates = await FindWarehousesAsync(delete.Target, cancellationToken).ConfigureAwait(true);
        var outcomes = await Task.WhenAll(candidates.Select(c => TryDeleteAsync(c.Peer.Endpoint, c.Token, delete, cancellationToken))).ConfigureAwait(true);
        return new WarehouseDeleteResult(delete.Target, outcomes);
    }

    /// <summary>Sends <paramref name="delete"/> to one warehouse with <paramref name="token"/> (asked for when null) and reads the answer.</summary>
    private async Task<WarehouseDeleteOutcome> TryDeleteAsync(Ipv4Endpoint warehouse, byte[]? token, Delete delete, CancellationToken cancellationToken)
    {
        try
        {
            token ??= (await AskTokenAsync(delete.Target, warehouse, cancellationToken).ConfigureAwait(true)).Token;
            var request = new DhtRequest(delete.Command, delete.Target, delete.Value, token);
            var reply = await Node.RequestAsync(request, warehouse, cancellationToken: cancellationToken).ConfigureAwait(true);
            if (reply.Error != 0)
            {
                return new WarehouseDeleteOutcome(warehouse, WarehouseDeleteStatus.Refused, reply.Error, StorageRefusedException.Describe(reply.Error, warehouse));
            }

            return reply.Value switch
            {
                { } value when value.AsSpan().SequenceEqual(DeletedReply) => new WarehouseDeleteOutcome(warehouse, WarehouseDeleteStatus.Deleted),
                { } value when value.AsSpan().SequenceEqual(NotFoundReply) => new WarehouseDeleteOutcome(warehouse, WarehouseDeleteStatus.NotFound),
                _ => new WarehouseDeleteOutcome(warehouse, WarehouseDeleteStatus.Unreadable, 0, UnreadableReplyException.Describe(warehouse, "DELETE")),
            };
        }
        catch (StorageRefusedException e)
        {
            return new WarehouseDeleteOutcome(warehouse, WarehouseDeleteStatus.Refused, e.Code, e.Message);
        }
        catch (DhtException e)
        {
            return new WarehouseDeleteOutcome(warehouse, WarehouseDeleteStatus.NoReply, 0, e.Message);
        }
    }

    /// <summary>A delete to send: the command (103 or 105), its target, and the signed envelope of 105.</summary>
    private sealed record Delete(NodeId Target, ulong Command, byte[]? Value);
}
