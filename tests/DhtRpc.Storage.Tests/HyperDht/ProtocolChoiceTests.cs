using System.Text;
using DhtRpc.Rpc;
using DhtRpc.Simulation;
using DhtRpc.Storage.Client;
using DhtRpc.Storage.HyperDht;
using DhtRpc.Storage.Protocol;
using DhtRpc.Wire;

namespace DhtRpc.Storage.Tests.HyperDht;

/// <summary>Which family a storage node serves on 0–10, and what it answers to commands no family knows.</summary>
public sealed class ProtocolChoiceTests
{
    private static (SimulatedSwarm Swarm, List<StorageNode> Storage) Network(StorageOptions options)
    {
        var network = new SimulatedStorageSwarm(8, options);
        return (network.Swarm, network.Storage);
    }

    private static DhtResponse Ask(SimulatedSwarm swarm, int from, int to, ulong command, NodeId target, byte[]? value = null, byte[]? token = null) =>
        swarm.Run(() => swarm[from].RequestAsync(new DhtRequest(command, target, value, token), SimulatedSwarm.ServerOf(swarm[to])));

    [Fact]
    public void By_default_unknown_commands_and_hyperdhts_record_commands_get_unknown_command()
    {
        var (swarm, _) = Network(StorageOptions.Default);
        var value = Encoding.UTF8.GetBytes("a stored value");
        var key = StorageNode.Sha256(value);
        var token = Ask(swarm, 1, 4, StorageCommands.Insert, key).Token;
        Ask(swarm, 1, 4, StorageCommands.Insert, key, value, token);

        var unknown = Ask(swarm, 1, 4, 50, key);
        var announce = Ask(swarm, 1, 4, HyperDhtCommands.Announce, key, [0]);
        var get = Ask(swarm, 1, 4, StorageCommands.Get, key);

        Assert.Equal(ErrorCodes.UnknownCommand, unknown.Error);
        Assert.Null(unknown.Value);
        Assert.Equal(ErrorCodes.UnknownCommand, announce.Error);
        Assert.Equal(value, get.Value);
    }

    [Fact]
    public void The_study_fallback_answers_unknown_commands_like_get_when_asked_for()
    {
        var (swarm, _) = Network(StorageOptions.Default with { UnknownCommandsReadLikeGet = true });
        var value = Encoding.UTF8.GetBytes("read by any command");
        var key = StorageNode.Sha256(value);
        var token = Ask(swarm, 1, 4, StorageCommands.Insert, key).Token;
        Ask(swarm, 1, 4, StorageCommands.Insert, key, value, token);

        var unknown = Ask(swarm, 1, 4, 50, key);

        Assert.Equal(0UL, unknown.Error);
        Assert.Equal(value, unknown.Value);
    }

    [Fact]
    public void With_the_hyperdht_protocol_0_to_10_are_hyperdhts_and_the_warehouse_still_works()
    {
        var (swarm, storage) = Network(StorageOptions.Default with { Protocol = StorageProtocol.HyperDht });
        var value = Encoding.UTF8.GetBytes("an immutable value");
        var target = NodeId.Read(HyperDhtSignatures.Hash(value));
        var token = Ask(swarm, 1, 4, HyperDhtCommands.ImmutableGet, target).Token;

        var put = Ask(swarm, 1, 4, HyperDhtCommands.ImmutablePut, target, value, token);
        var insertAsStudy = Ask(swarm, 1, 4, StorageCommands.Insert, StorageNode.Sha256(value), value, token);
        var stored = swarm.Run(() => new WarehouseClient(swarm[1]).StoreOnAsync("greeting", Encoding.UTF8.GetBytes("hello"), SimulatedSwarm.ServerOf(swarm[4])));

        Assert.Equal(0UL, put.Error);
        Assert.Equal(1, storage[4].HyperDht!.Stats.ImmutablePuts);
        Assert.Equal(HyperDhtRefusals.Malformed, insertAsStudy.Error);
        Assert.Single(stored.StoredOn);
    }
}
