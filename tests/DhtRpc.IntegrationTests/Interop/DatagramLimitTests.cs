using System.Text.Json.Nodes;
using DhtRpc.Storage.Client;

namespace DhtRpc.IntegrationTests.Interop;

/// <summary>
/// interop/datagram-limit.mjs measures what a dht-rpc 6.27.0 node reads of a datagram on loopback; the
/// figures docs/limits.md gives, and that the default block size fits them.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class DatagramLimitTests
{
    /// <summary>Bytes a put request adds to a block: type, flags, tid, address, id, token, command, target, length.</summary>
    private const int PutRequestOverhead = 1 + 1 + 2 + 6 + 32 + 32 + 1 + 32 + 3;

    /// <summary>Bytes a reply adds to a block: type, flags, tid, address, id, token, 20 closer nodes, length.</summary>
    private const int ReplyOverhead = 1 + 1 + 2 + 6 + 32 + 32 + 1 + (20 * 6) + 3;

    [Fact]
    public async Task A_js_node_reads_2048_bytes_of_a_datagram_and_a_default_block_fits_with_room_to_spare()
    {
        await NodeJs.EnsureReadyAsync();
        var run = await ProcessRunner.RunAsync("node", [Path.Combine(RepoPaths.Interop, "datagram-limit.mjs")], RepoPaths.Interop, TimeSpan.FromSeconds(60));
        Assert.True(run.ExitCode == 0, run.ToString());
        var result = JsonNode.Parse(run.StandardOutput.Trim().Split('\n')[^1])!.AsObject();

        var socket = result["socket"]!.AsArray().ToDictionary(s => (int)s!["sent"]!, s => (int?)s!["received"]);
        Assert.Equal(2048, socket[2048]);
        Assert.Equal(2048, socket[2049]);
        Assert.Equal(2048, socket[16 * 1024 + 200]);
        Assert.Equal(2048, socket[65_000]);

        var request = result["request"]!;
        Assert.True((bool)request["tokenWasValid"]!);
        Assert.Equal(2048, (int)request["largestDatagram"]!);
        Assert.Equal(2048 - PutRequestOverhead, (int)request["largestCommitValue"]!);
        var reply = result["reply"]!;
        Assert.Equal(2048, (int)reply["largestDatagram"]!);
        Assert.Equal(2048 - ReplyOverhead, (int)reply["largestValueWithIdTokenAnd20CloserNodes"]!);

        Assert.True(PutOptions.DefaultBlockSize + PutRequestOverhead <= 1232, "a put request of a default block does not fit an unfragmented IPv6 datagram");
        Assert.True(PutOptions.DefaultBlockSize + ReplyOverhead <= 1232, "a reply carrying a default block does not fit an unfragmented IPv6 datagram");
        Assert.Equal(PutOptions.DefaultBlockSize, PutOptions.Default.BlockSize);
    }
}
