using System.Security.Cryptography;
using System.Text;
using DhtRpc.Wire;
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
        var (swarm, storage) = new SimulatedStorageSwarm(40);
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
        var (swarm, storage) = new SimulatedStorageSwarm(5);
        var value = "payload"u8.ToArray();
        var wrongKey = NodeId.Read(SHA256.HashData("other"u8));
        var target = SimulatedSwarm.ServerOf(swarm[1]);
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
        var (swarm, storage) = new SimulatedStorageSwarm(3);
        var value = "payload"u8.ToArray();
        var key = NodeId.Read(SHA256.HashData(value));
        var reply = swarm.Run(() => swarm[2].RequestAsync(new DhtRequest(StorageCommands.Insert, key, value), SimulatedSwarm.ServerOf(swarm[1])));
        Assert.Equal(0UL, reply.Error);
        Assert.Null(reply.Value);
        Assert.Equal(0, storage[1].Store.Count(ItemSpace.Content));
    }

    [Fact]
    public void GetIgnoresAndCountsRepliesThatDoNotHashToTheKey()
    {
        var (swarm, storage) = new SimulatedStorageSwarm(10);
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

    [Fact]
    public void SampleJsonGetsTheStudyHashAndComesBack()
    {
        var (swarm, _) = new SimulatedStorageSwarm(30);
        var client = new DhtStorageClient(swarm[29]);
        var text = Encoding.UTF8.GetString(File.ReadAllBytes(TestFiles.SampleJson));
        var put = swarm.Run(() => client.PutJsonAsync(text));
        Assert.Equal("fe55bb60efb0b18d59e644a55263b4be25d8c5217dfd55a7d18eb37f5958a494", put.Key.ToString());
        Assert.Equal(20, put.Replicas);
        Assert.Equal(DhtRpc.Storage.Json.JsJson.Normalize(text), swarm.Run(() => new DhtStorageClient(swarm[3]).GetJsonAsync(put.Key)));
    }

    [Fact]
    public void LargeValueIsChunkedAndVerifiedBlockByBlock()
    {
        var (swarm, _) = new SimulatedStorageSwarm(25);
        var client = new DhtStorageClient(swarm[24]);
        var value = new byte[200_000];
        new Random(5).NextBytes(value);
        var put = swarm.Run(() => client.PutAsync(value, new PutOptions { BlockSize = 4096 }));
        Assert.True(put.Blocks > 49);
        Assert.Equal(20, put.Replicas);
        Assert.NotEqual(NodeId.Read(SHA256.HashData(value)), put.Key);
        Assert.Equal(value, swarm.Run(() => new DhtStorageClient(swarm[7]).GetAsync(put.Key)));
    }

    [Fact]
    public void ValueOverNodeLimitIsRefusedWithClearError()
    {
        var (swarm, storage) = new SimulatedStorageSwarm(5, new StorageOptions { MaxValueSize = 100 });
        var client = new DhtStorageClient(swarm[4]);
        var error = Assert.Throws<StorageRefusedException>(() => swarm.Run(() => client.PutAsync(new byte[500], new PutOptions { BlockSize = 1000 })));
        Assert.Equal(StorageErrors.ValueTooLarge, error.Code);
        Assert.Contains("larger than the node accepts", error.Message, StringComparison.Ordinal);
        Assert.True(storage.Sum(s => s.Stats.Refused(StorageErrors.ValueTooLarge)) >= 1);
    }

    [Fact]
    public void NodeAtItsItemLimitRefusesMore()
    {
        var (swarm, storage) = new SimulatedStorageSwarm(3, new StorageOptions { MaxItems = 2 });
        var client = new DhtStorageClient(swarm[2]);
        swarm.Run(() => client.PutAsync("one"u8.ToArray()));
        swarm.Run(() => client.PutAsync("two"u8.ToArray()));
        var error = Assert.Throws<StorageRefusedException>(() => swarm.Run(() => client.PutAsync("three"u8.ToArray())));
        Assert.Equal(StorageErrors.StorageFull, error.Code);
        Assert.All(storage, s => Assert.True(s.Store.Count(ItemSpace.Content) <= 2));
    }
}
