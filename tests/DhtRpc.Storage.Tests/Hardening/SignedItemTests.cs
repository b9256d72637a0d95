using DhtRpc.Wire;
using DhtRpc.Rpc;
using DhtRpc.Simulation;
using DhtRpc.Storage.Client;
using DhtRpc.Storage.Protocol;
using NSec.Cryptography;

namespace DhtRpc.Storage.Tests.Hardening;

/// <summary>
/// Owner-signed items on one simulated warehouse: signed deletes leave tombstones so old stores cannot be
/// replayed, other keys and same-IP strangers cannot touch an item, and reads return what a reader checks.
/// </summary>
public sealed class SignedItemTests
{
    private static readonly NodeId Target = WarehouseClient.TargetOf("profile");

    [Fact]
    public void A_replayed_older_store_after_a_signed_delete_is_refused_until_the_tombstone_lapses()
    {
        var (swarm, _) = new SimulatedStorageSwarm(6, new StorageOptions { RecordTtl = TimeSpan.FromMinutes(10), RepublishInterval = TimeSpan.FromHours(5) });
        var client = swarm[5];
        var warehouse = SimulatedSwarm.ServerOf(swarm[2]);
        using var owner = SignedEnvelope.CreateKey();
        var storeOne = SignedEnvelope.Create(owner, SignedEnvelope.Purpose.Store, Target, 1, "v1"u8);

        Assert.Equal(0UL, Send(swarm, client, warehouse, StorageCommands.WarehouseStoreSigned, storeOne).Error);
        var delete = Send(swarm, client, warehouse, StorageCommands.WarehouseDeleteSigned, SignedEnvelope.Create(owner, SignedEnvelope.Purpose.Delete, Target, 2, []));
        Assert.Equal("deleted", System.Text.Encoding.ASCII.GetString(delete.Value!));

        // The replay of sequence 1 is stale; a stranger's key and an unsigned store are not the owner.
        Assert.Equal(StorageErrors.StaleSequence, Send(swarm, client, warehouse, StorageCommands.WarehouseStoreSigned, storeOne).Error);
        using var stranger = SignedEnvelope.CreateKey();
        Assert.Equal(StorageErrors.NotOwner, Send(swarm, client, warehouse, StorageCommands.WarehouseStoreSigned, SignedEnvelope.Create(stranger, SignedEnvelope.Purpose.Store, Target, 9, "mine"u8)).Error);
        Assert.Equal(StorageErrors.NotOwner, Send(swarm, client, warehouse, StorageCommands.WarehouseStore, "unsigned"u8.ToArray()).Error);
        Assert.Null(Read(swarm, client, warehouse));

        // The owner may store again with a newer sequence.
        Assert.Equal(0UL, Send(swarm, client, warehouse, StorageCommands.WarehouseStoreSigned, SignedEnvelope.Create(owner, SignedEnvelope.Purpose.Store, Target, 3, "v3"u8)).Error);
        Assert.Equal("v3"u8.ToArray(), Read(swarm, client, warehouse)!.Payload);

        // Once the item and its tombstone lapse, the key is free again.
        var deleteAgain = Send(swarm, client, warehouse, StorageCommands.WarehouseDeleteSigned, SignedEnvelope.Create(owner, SignedEnvelope.Purpose.Delete, Target, 4, []));
        Assert.Equal(0UL, deleteAgain.Error);
        swarm.Host.Advance(TimeSpan.FromMinutes(11));
        Assert.Equal(0UL, Send(swarm, client, warehouse, StorageCommands.WarehouseStoreSigned, SignedEnvelope.Create(stranger, SignedEnvelope.Purpose.Store, Target, 1, "new owner"u8)).Error);
    }

    [Fact]
    public void Neither_another_key_nor_an_unsigned_delete_from_the_same_address_removes_a_signed_item()
    {
        var (swarm, _) = new SimulatedStorageSwarm(6);
        var warehouse = SimulatedSwarm.ServerOf(swarm[2]);
        using var owner = SignedEnvelope.CreateKey();
        using var other = SignedEnvelope.CreateKey();
        Assert.Equal(0UL, Send(swarm, swarm[5], warehouse, StorageCommands.WarehouseStoreSigned, SignedEnvelope.Create(owner, SignedEnvelope.Purpose.Store, Target, 1, "kept"u8)).Error);

        // swarm[4] shares the owner's address (one simulated host): the address proves nothing for a signed item.
        Assert.Equal(StorageErrors.NotOwner, Send(swarm, swarm[4], warehouse, StorageCommands.WarehouseDelete, null).Error);
        Assert.Equal(StorageErrors.NotOwner, Send(swarm, swarm[4], warehouse, StorageCommands.WarehouseDeleteSigned, SignedEnvelope.Create(other, SignedEnvelope.Purpose.Delete, Target, 5, [])).Error);
        Assert.Equal(StorageErrors.StaleSequence, Send(swarm, swarm[4], warehouse, StorageCommands.WarehouseDeleteSigned, SignedEnvelope.Create(owner, SignedEnvelope.Purpose.Delete, Target, 1, [])).Error);
        Assert.Equal("kept"u8.ToArray(), Read(swarm, swarm[5], warehouse)!.Payload);
    }

    [Fact]
    public void A_verifiable_read_returns_the_owners_envelope_for_signed_items_and_the_payload_for_unsigned_ones()
    {
        var (swarm, _) = new SimulatedStorageSwarm(6);
        var warehouse = SimulatedSwarm.ServerOf(swarm[2]);
        using var owner = SignedEnvelope.CreateKey();
        Send(swarm, swarm[5], warehouse, StorageCommands.WarehouseStoreSigned, SignedEnvelope.Create(owner, SignedEnvelope.Purpose.Store, Target, 7, "signed value"u8));

        var envelope = Read(swarm, swarm[5], warehouse)!;
        Assert.True(envelope.Verify(SignedEnvelope.Purpose.Store, Target));
        Assert.Equal(7UL, envelope.Sequence);
        Assert.Equal(owner.PublicKey.Export(KeyBlobFormat.RawPublicKey), envelope.PublicKey);
        Assert.False(envelope.Verify(SignedEnvelope.Purpose.Store, WarehouseClient.TargetOf("another key")));

        var plain = WarehouseClient.TargetOf("plain");
        var token = swarm.Run(() => swarm[5].RequestAsync(new DhtRequest(StorageCommands.WarehouseStore, plain), warehouse)).Token;
        swarm.Run(() => swarm[5].RequestAsync(new DhtRequest(StorageCommands.WarehouseStore, plain, "unsigned value"u8.ToArray(), token), warehouse));
        var reply = swarm.Run(() => swarm[5].RequestAsync(new DhtRequest(StorageCommands.WarehouseGetVerifiable, plain), warehouse));
        Assert.True(VerifiableReply.TryParse(reply.Value, out var payload, out var none));
        Assert.Null(none);
        Assert.Equal("unsigned value"u8.ToArray(), payload);
        Assert.Null(swarm.Run(() => swarm[5].RequestAsync(new DhtRequest(StorageCommands.WarehouseGetVerifiable, WarehouseClient.TargetOf("absent")), warehouse)).Value);
    }

    [Fact]
    public void A_store_without_a_token_is_refused_with_invalid_token()
    {
        var (swarm, storage) = new SimulatedStorageSwarm(6);
        var warehouse = SimulatedSwarm.ServerOf(swarm[2]);
        var reply = swarm.Run(() => swarm[5].RequestAsync(new DhtRequest(StorageCommands.WarehouseStore, Target, "no token"u8.ToArray()), warehouse));
        Assert.Equal(ErrorCodes.InvalidToken, reply.Error);
        Assert.Equal(0, storage[2].Store.Count(DhtRpc.Storage.Stores.ItemSpace.Warehouse));
    }

    /// <summary>Asks for a token, then sends the request with it; returns the second reply.</summary>
    internal static DhtResponse Send(SimulatedSwarm swarm, DhtNode from, Ipv4Endpoint to, ulong command, byte[]? value) => swarm.Run(async () =>
    {
        var token = (await from.RequestAsync(new DhtRequest(StorageCommands.WarehouseStore, Target), to)).Token;
        return await from.RequestAsync(new DhtRequest(command, Target, value, token), to);
    });

    private static SignedEnvelope? Read(SimulatedSwarm swarm, DhtNode from, Ipv4Endpoint to)
    {
        var reply = swarm.Run(() => from.RequestAsync(new DhtRequest(StorageCommands.WarehouseGetVerifiable, Target), to));
        return VerifiableReply.TryParse(reply.Value, out _, out var envelope) ? envelope : null;
    }
}
