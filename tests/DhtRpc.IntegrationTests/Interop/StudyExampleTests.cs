using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace DhtRpc.IntegrationTests.Interop;

/// <summary>
/// The study's examples/insert.mjs and examples/find.mjs, done by a dht-rpc 6.27.0 client against a network
/// of our storage nodes: INSERT (0) as a query committed with each reply's token, then GET (1) as a query
/// with dht-rpc's own commit (a second GET with the token to each closest node), the value taken from the
/// first reply that hashes to the target.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class StudyExampleTests
{
    [Fact]
    public async Task Insert_then_find_as_the_examples_do_returns_the_value_and_every_commit_is_answered()
    {
        await using var network = await StorageNetwork.StartAsync(8);
        await using var peer = await JsPeer.StartAsync();
        var js = (await peer.NodesAsync([network.Bootstrapper.Address], 1, ephemeral: true))[0].Index;
        var value = Encoding.UTF8.GetBytes("a value inserted as examples/insert.mjs does");
        var target = Convert.ToHexStringLower(SHA256.HashData(value));

        var insert = await peer.QueryAsync(js, target, 0, Convert.ToHexStringLower(value), commit: true);
        Assert.True((int)insert["committed"]! >= 1, insert.ToJsonString());

        var find = await peer.QueryAsync(js, target, 1, null, commit: true);
        var found = find["replies"]!.AsArray()
            .Select(r => (string?)r!["value"])
            .FirstOrDefault(v => v is not null && Convert.ToHexStringLower(SHA256.HashData(Convert.FromHexString(v))) == target);
        Assert.Equal(Convert.ToHexStringLower(value), found);

        // find.mjs commits its GET: every closest node gets a GET carrying its token, and answers it without an error.
        var commits = find["commits"]!.AsArray().Select(c => c!.AsObject()).ToList();
        Assert.NotEmpty(commits);
        Assert.All(commits, c => Assert.True((bool)c["ok"]! && (int)c["errorCode"]! == 0, c.ToJsonString()));
    }
}
