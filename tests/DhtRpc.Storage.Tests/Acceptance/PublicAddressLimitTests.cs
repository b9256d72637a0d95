using DhtRpc.Storage.Client;
using DhtRpc.Storage.Stores;

namespace DhtRpc.Storage.Tests.Acceptance;

/// <summary>
/// On public addresses, where a node's reply caps apply, a value chunked at the default block size is
/// read without a reply being cut (a tokenless reader, as a JavaScript client is, gets every block); one
/// whose blocks are larger than one datagram (16 KiB, as earlier versions wrote) is still read back
/// whole: holders answer the tokenless GET with TOKEN_REQUIRED, and the reader asks again with the token.
/// </summary>
public sealed class PublicAddressLimitTests
{
    [Fact]
    public void A_chunked_value_is_read_back_whole_through_token_required_replies()
    {
        var swarm = new SimulatedSwarm(seed: 61);
        var storage = new List<StorageNode>();
        string? bootstrap = null;
        for (var i = 0; i < 12; i++)
        {
            var options = swarm.Options(new DhtNodeOptions { Ephemeral = false, Firewalled = i != 0, Bootstrap = bootstrap is null ? [] : [bootstrap] }) with { Host = $"20.0.{i + 1}.1" };
            var node = new DhtNode(options);
            swarm.Nodes.Add(node);
            storage.Add(new StorageNode(node, new InMemoryItemStore()));
            swarm.Run(node.FullyBootstrappedAsync);
            bootstrap ??= node.ServerEndpoint!.Value.ToString();
        }

        var value = new byte[40_000];
        new Random(5).NextBytes(value);
        var small = swarm.Run(async () =>
        {
            var put = await new DhtStorageClient(swarm[3]).PutAsync(value);
            return await new DhtStorageClient(swarm[9]).GetAsync(put.Key);
        });
        Assert.Equal(value, small);
        Assert.Equal(0, swarm.Nodes.Sum(n => n.Stats.Limited.RepliesCutToTokenRequired));
        Assert.Equal(0, swarm[9].Stats.Requests.TokenRetries);

        var read = swarm.Run(async () =>
        {
            var put = await new DhtStorageClient(swarm[3]).PutAsync(value, new PutOptions { BlockSize = 16 * 1024 });
            return await new DhtStorageClient(swarm[9]).GetAsync(put.Key);
        });

        Assert.Equal(value, read);
        Assert.True(swarm.Nodes.Sum(n => n.Stats.Limited.RepliesCutToTokenRequired) > 0, "no reply was cut: the caps did not apply");
        Assert.True(swarm[9].Stats.Requests.TokenRetries > 0);

        // INFO is many times its request: a stranger must prove its address first; our client does.
        var retriesBefore = swarm[9].Stats.Requests.TokenRetries;
        var info = swarm.Run(() => new WarehouseClient(swarm[9]).InfoAsync(swarm[4].ServerEndpoint!.Value));
        Assert.NotNull(info?.Counters);
        Assert.Equal(retriesBefore + 1, swarm[9].Stats.Requests.TokenRetries);
    }
}
