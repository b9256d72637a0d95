using DhtRpc.Wire;
using DhtRpc.Storage.Chunking;

namespace DhtRpc.Storage.Tests.Chunking;

/// <summary>Pins the byte layout with the worked example of docs/storage-format.md.</summary>
public sealed class ManifestVectorTests
{
    [Fact]
    public void Two_thousand_zero_bytes_in_blocks_of_1024()
    {
        var plan = ChunkPlanner.Plan(new byte[2000], 1024);

        Assert.Equal(0, plan.RootLevel);
        Assert.Equal(3, plan.Blocks.Count);
        Assert.Equal(NodeId.Parse("5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef"), plan.Blocks[0].Key);
        Assert.Equal(NodeId.Parse("116d7399ce18e417bb9d1586091987731f6b78e79edbea12349960da3b9269b2"), plan.Blocks[1].Key);

        var root = plan.Blocks[2].Bytes.ToArray();
        Assert.Equal(118, root.Length);
        Assert.Equal(
            "4448544d0100d007000000000000"
            + "2da42fb1d7bd8524e83d5a1e332bad697c8769ba430770a19bec630eb8ffcaa8"
            + "0004000002000000"
            + "5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef"
            + "116d7399ce18e417bb9d1586091987731f6b78e79edbea12349960da3b9269b2",
            Convert.ToHexStringLower(root));
        Assert.Equal(NodeId.Parse("aba45610c94583ce967b09e13e3249a49a4f2f234dcd690c175797834f9978f2"), plan.RootKey);
    }
}
