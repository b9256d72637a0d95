using System.Diagnostics;
using DhtRpc.Storage.Client;
using DhtRpc.Storage.Stores;

namespace DhtRpc.IntegrationTests.Storage;

/// <summary>A 5 MB file through 30 storage nodes on loopback UDP: chunked on put, verified and reassembled on get.</summary>
public sealed class LargeFileTests(ITestOutputHelper output)
{
    [Fact(Timeout = 300_000)]
    public async Task FiveMegabyteFileComesBackByteForByteFromAnotherNode()
    {
        await using var swarm = await StorageLoopbackSwarm.CreateAsync(30, _ => new InMemoryItemStore());
        var file = new byte[5 * 1024 * 1024];
        new Random(5).NextBytes(file);

        var watch = Stopwatch.StartNew();
        var put = await new DhtStorageClient(swarm[29].Node).PutAsync(file);
        var putTime = watch.Elapsed;
        var r = swarm[29].Node.Stats.Requests;
        output.WriteLine($"putter requests {r.Total}, responses {r.Responses}, timeouts {r.Timeouts}, retries {r.Retries}; all nodes timeouts {swarm.Nodes.Sum(n => n.Node.Stats.Requests.Timeouts)} retries {swarm.Nodes.Sum(n => n.Node.Stats.Requests.Retries)}");
        Assert.Equal(file.Length, put.Size);
        Assert.True(put.Blocks > file.Length / PutOptions.Default.BlockSize);
        Assert.True(put.Replicas > 0);

        watch.Restart();
        var fetched = await new DhtStorageClient(swarm[3].Node).GetAsync(put.Key);
        var getTime = watch.Elapsed;
        Assert.NotNull(fetched);
        Assert.True(file.AsSpan().SequenceEqual(fetched), "the fetched file differs");
        output.WriteLine($"{put.Blocks} blocks, at least {put.Replicas} replicas each; put {putTime.TotalSeconds:F1} s, get {getTime.TotalSeconds:F1} s");
    }
}
