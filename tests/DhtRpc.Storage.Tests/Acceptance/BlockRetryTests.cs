using DhtRpc.Storage.Chunking;
using DhtRpc.Storage.Client;
using DhtRpc.Storage.Protocol;

namespace DhtRpc.Storage.Tests.Acceptance;

/// <summary>
/// A block below the root that no holder answers for a while (as nodes over their byte budget for an
/// address without a token drop replies) is looked for again after a pause, instead of failing the read.
/// </summary>
public sealed class BlockRetryTests
{
    private static readonly TimeSpan Silence = TimeSpan.FromSeconds(3);

    [Theory]
    [InlineData(1, true)]
    [InlineData(0, false)]
    public void A_block_whose_holders_are_silent_at_first_is_found_on_the_second_look(int retries, bool found)
    {
        var net = new SimulatedStorageSwarm(16, seed: 5);
        var value = new byte[5000];
        new Random(9).NextBytes(value);
        var put = net.Host.Run(() => new DhtStorageClient(net[15]).PutAsync(value));
        var silentBlock = ChunkPlanner.Plan(value, PutOptions.DefaultBlockSize).Blocks[0].Key;

        // Every holder ignores GETs of that one block until the silence ends.
        var until = DateTimeOffset.MinValue;
        var ignored = 0;
        foreach (var node in net.Swarm.Nodes)
        {
            var serve = node.RequestHandler!;
            node.RequestHandler = request =>
            {
                if (request.Command == StorageCommands.Get && request.Target == silentBlock && net.Host.Now < until)
                {
                    ignored++;
                    return;
                }

                serve(request);
            };
        }

        until = net.Host.Now + Silence;
        var options = new FetchOptions { BlockRetries = retries, BlockRetryDelay = Silence };
        var client = new DhtStorageClient(net[14]);
        if (found)
        {
            Assert.Equal(value, net.Host.Run(() => client.GetAsync(put.Key, options)));
        }
        else
        {
            Assert.Throws<ContentNotFoundException>(() => net.Host.Run(() => client.GetAsync(put.Key, options)));
        }

        Assert.True(ignored > 0, "no GET of the silent block arrived during the silence");
    }
}
