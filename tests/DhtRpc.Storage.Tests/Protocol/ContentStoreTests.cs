using System.Security.Cryptography;
using DhtRpc.Encoding;
using DhtRpc.Rpc;
using DhtRpc.Simulation;
using DhtRpc.Storage.Client;
using DhtRpc.Storage.Protocol;
using DhtRpc.Storage.Stores;

namespace DhtRpc.Storage.Tests.Protocol;

public sealed class ContentStoreTests
{
    [Fact]
    public void PutReachesTwentyNodesAndGetVerifiesTheHash()
    {
        var (swarm, storage) = StorageSwarm(40);
        var client = new DhtStorageClient(swarm[39]);
        var value = "hello warehouse"u8.ToArray();
        var key = NodeId.Read(SHA256.HashData(value));

        var acks = swarm.Run(() => client.PutBlockAsync(key, value));
        Assert.Equal(20, acks);
        Assert.Equal(20, storage.Count(s => s.Store.Get(ItemSpace.Content, key) is not null));

        var fetched = swarm.Run(() => new DhtStorageClient(swarm[5]).GetBlockAsync(key));
        Assert.Equal(value, fetched);
    }

    [Fact]
    public void InsertWithWrongHashIsRefusedAndNothingStored()
    {
        var (swarm, storage) = StorageSwarm(5);
        var value = "payload"u8.ToArray();
        var wrongKey = NodeId.Read(SHA256.HashData("other"u8));
        var target = SimulatedSwarmEndpoint(swarm[1]);
        var reply = swarm.Run(() => swarm[4].RequestAsync(new DhtRequest(StorageCommands.Insert, wrongKey), target));
        Assert.NotNull(reply.Token);
        var refused = swarm.Run(() => swarm[4].RequestAsync(new DhtRequest(StorageCommands.Insert, wrongKey, value, reply.Token), target));
        Assert.Equal(StorageErrors.HashMismatch, refused.Error);
        Assert.All(storage, s => Assert.Equal(0, s.Store.Count(ItemSpace.Content)));
        Assert.Equal(1, storage[1].Stats.Refused(StorageErrors.HashMismatch));
    }

    [Fact]
    public void InsertWithoutTokenStoresNothing()
    {
        var (swarm, storage) = StorageSwarm(3);
        var value = "payload"u8.ToArray();
        var key = NodeId.Read(SHA256.HashData(value));
        var reply = swarm.Run(() => swarm[2].RequestAsync(new DhtRequest(StorageCommands.Insert, key, value), SimulatedSwarmEndpoint(swarm[1])));
        Assert.Equal(0UL, reply.Error);
        Assert.Null(reply.Value);
        Assert.Equal(0, storage[1].Store.Count(ItemSpace.Content));
    }

    [Fact]
    public void GetIgnoresAndCountsRepliesThatDoNotHashToTheKey()
    {
        var (swarm, storage) = StorageSwarm(10);
        var value = "genuine"u8.ToArray();
        var key = NodeId.Read(SHA256.HashData(value));

        // One node lies: it answers every GET with other bytes.
        swarm[3].RequestHandler = request => request.Reply("forged"u8.ToArray());
        var client = new DhtStorageClient(swarm[9]);
        swarm.Run(() => client.PutBlockAsync(key, value));
        var fetched = swarm.Run(() => client.GetBlockAsync(key));
        Assert.Equal(value, fetched);

        var missing = NodeId.Read(SHA256.HashData("never stored"u8));
        Assert.Null(swarm.Run(() => client.GetBlockAsync(missing)));
        Assert.True(client.CorruptReplies >= 1);
        _ = storage;
    }

    internal static (SimulatedSwarm Swarm, List<StorageNode> Storage) StorageSwarm(int size, StorageOptions? options = null)
    {
        var storage = new List<StorageNode>();
        var swarm = new SimulatedSwarm().Make(size, onCreated: node => storage.Add(new StorageNode(node, new InMemoryItemStore(), options)));
        return (swarm, storage);
    }

    internal static Ipv4Endpoint SimulatedSwarmEndpoint(DhtNode node) => Ipv4Endpoint.Loopback(node.ServerEndpoint!.Value.Port);
}
