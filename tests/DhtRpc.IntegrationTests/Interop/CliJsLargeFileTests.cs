using System.Security.Cryptography;
using System.Text.Json.Nodes;
using DhtRpc.IntegrationTests.Cli;
using DhtRpc.Storage.Chunking;
using DhtRpc.Storage.Client;

namespace DhtRpc.IntegrationTests.Interop;

/// <summary>
/// `dht put` and `dht get` of a 300 KB file on a network of JavaScript dht-rpc nodes running the study's
/// content store (peer.mjs behaviour kv), with one C# storage node among them; JavaScript reads our blocks.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class CliJsLargeFileTests
{
    private const int Get = 1;
    private static readonly TimeSpan CliLimit = TimeSpan.FromSeconds(180);

    [Fact]
    public async Task Dht_put_stores_300_KB_on_js_nodes_and_dht_get_returns_it_byte_for_byte()
    {
        await NodeJs.EnsureReadyAsync();
        await using var peer = await JsPeer.StartAsync();
        var boot = await peer.BootstrapperAsync(behaviour: "kv");
        var kv = await peer.NodesAsync([boot.Address], 12, ephemeral: false, behaviour: "kv");
        await using var ours = await CsStorageNode.StartAsync(boot.Address);
        var directory = Directory.CreateTempSubdirectory("dht-js-large-");
        try
        {
            var file = new byte[300_000];
            new Random(300).NextBytes(file);
            var path = Path.Combine(directory.FullName, "file.bin");
            await File.WriteAllBytesAsync(path, file, TestContext.Current.CancellationToken);
            var plan = ChunkPlanner.Plan(file, PutOptions.DefaultBlockSize);

            var put = await DhtCli.RunAsync(CliLimit, "put", path, "--bootstrap", boot.Address);
            Assert.True(put.ExitCode == 0, put.ToString());
            Assert.Equal(plan.RootKey.ToString(), put.StandardOutput.Trim().Split('\n')[^1].Trim());

            // Every block reached JavaScript nodes: each is held by several of them, under its hash.
            var held = new Dictionary<string, int>();
            foreach (var node in kv.Append(boot))
            {
                foreach (var entry in await peer.StoreAsync(node.Index))
                {
                    var target = (string)entry!["target"]!;
                    Assert.Equal(target, Convert.ToHexStringLower(SHA256.HashData(Convert.FromHexString((string)entry["value"]!))));
                    held[target] = held.GetValueOrDefault(target) + 1;
                }
            }

            Assert.All(plan.Blocks, block => Assert.True(held.GetValueOrDefault(block.Key.ToString()) >= 3, $"block {block.Key} is on {held.GetValueOrDefault(block.Key.ToString())} JavaScript nodes"));

            var copy = Path.Combine(directory.FullName, "copy.bin");
            var get = await DhtCli.RunAsync(CliLimit, "get", plan.RootKey.ToString(), copy, "--bootstrap", boot.Address);
            Assert.True(get.ExitCode == 0, get.ToString());
            Assert.Equal(file, await File.ReadAllBytesAsync(copy, TestContext.Current.CancellationToken));

            // A JavaScript client reads a data block and the root manifest, by a query and straight from our node.
            foreach (var block in new[] { plan.Blocks[0], plan.Blocks[^1] })
            {
                var hex = block.Key.ToString();
                var expected = Convert.ToHexStringLower(block.Bytes.Span);
                var query = await peer.QueryAsync(kv[0].Index, hex, Get, valueHex: null, commit: false);
                Assert.Contains(query["replies"]!.AsArray(), r => (string?)r!["value"] == expected);

                Assert.NotNull(ours.Content(block.Key));
                var direct = await peer.SendAsync("request", new JsonObject
                {
                    ["node"] = kv[0].Index,
                    ["to"] = ours.Address,
                    ["command"] = Get,
                    ["target"] = hex,
                    ["internal"] = false,
                });
                Assert.Equal(expected, (string?)direct["value"]);
            }
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
