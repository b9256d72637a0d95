using System.Security.Cryptography;
using System.Text;
using DhtRpc.Wire;
using DhtRpc.Rpc;

namespace DhtRpc.IntegrationTests.Interop;

/// <summary>
/// interop/study-insert-json.mjs and study-retrieve-json.mjs (dht-rpc clients) against a network of
/// C# nodes implementing the content store: INSERT = 0 stores a value under sha256(value), GET = 1.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class ContentStoreScriptTests
{
    private const ulong Insert = 0;
    private const ulong Get = 1;
    private const ulong HashMismatch = 16;
    private static readonly TimeSpan ScriptLimit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task InsertAndRetrieveJsonThroughCSharpNodes()
    {
        await NodeJs.EnsureReadyAsync();
        await using var network = new CsNetwork();
        var boot = await network.AddBootstrapperAsync(ContentStore);
        await network.AddNodesAsync(boot.Address, 6, ContentStore);

        var dir = Directory.CreateTempSubdirectory("dht-interop-");
        try
        {
            var file = Path.Combine(dir.FullName, "doc.json");
            await File.WriteAllTextAsync(file, "{\n  \"name\": \"dht\",\n  \"values\": [1, 2, 3],\n  \"nested\": { \"ok\": true, \"text\": \"h\u00e9llo\" }\n}\n");
            var normalised = "{\"name\":\"dht\",\"values\":[1,2,3],\"nested\":{\"ok\":true,\"text\":\"h\u00e9llo\"}}";
            var bytes = Encoding.UTF8.GetBytes(normalised);
            var hash = Convert.ToHexStringLower(SHA256.HashData(bytes));
            var bootstrap = boot.Address;

            var insert = await RunScriptAsync("study-insert-json.mjs", file, "--bootstrap", bootstrap, "--timeout", "30000");
            Assert.True(insert.ExitCode == 0, insert.ToString());
            var lines = insert.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.Equal(hash, lines[^1]);

            var key = NodeId.Parse(hash);
            var holders = network.Nodes.Where(n => n.Store.TryGetValue(key, out var v) && v.AsSpan().SequenceEqual(bytes)).ToList();
            Assert.NotEmpty(holders);

            var retrieve = await RunScriptAsync("study-retrieve-json.mjs", hash, "--bootstrap", bootstrap, "--timeout", "30000");
            Assert.True(retrieve.ExitCode == 0, retrieve.ToString());
            var pretty = "{\n  \"name\": \"dht\",\n  \"values\": [\n    1,\n    2,\n    3\n  ],\n  \"nested\": {\n    \"ok\": true,\n    \"text\": \"h\u00e9llo\"\n  }\n}\n";
            Assert.Equal(pretty, retrieve.StandardOutput);

            var missing = Convert.ToHexStringLower(SHA256.HashData("{}"u8));
            var notFound = await RunScriptAsync("study-retrieve-json.mjs", missing, "--bootstrap", bootstrap, "--timeout", "30000");
            Assert.True(notFound.ExitCode == 1, notFound.ToString());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task InsertUnderAnotherHashIsRejectedWithError16()
    {
        await using var network = new CsNetwork();
        var boot = await network.AddBootstrapperAsync(ContentStore);
        var stores = await network.AddNodesAsync(boot.Address, 2, ContentStore);
        await using var client = await CsStoreNode.StartAsync([boot.Address], ephemeral: true);
        var value = "{\"a\":1}"u8.ToArray();
        var wrong = NodeId.Read(SHA256.HashData("{\"a\":2}"u8));

        var first = await client.Node.RequestAsync(new DhtRequest(Get, wrong), stores[0].Endpoint);
        Assert.NotNull(first.Token);
        var rejected = await client.Node.RequestAsync(new DhtRequest(Insert, wrong, value, first.Token), stores[0].Endpoint);
        Assert.Equal(HashMismatch, rejected.Error);
        Assert.Empty(stores[0].Store);

        var right = NodeId.Read(SHA256.HashData(value));
        var accepted = await client.Node.RequestAsync(new DhtRequest(Insert, right, value, first.Token), stores[0].Endpoint);
        Assert.Equal(0UL, accepted.Error);
        Assert.Equal(value, stores[0].Store[right]);
    }

    /// <summary>INSERT with a token stores value under sha256(value) (error 16 for another target); GET replies the value or nothing.</summary>
    private static void ContentStore(CsStoreNode self, IncomingRequest req)
    {
        switch (req.Command)
        {
            case Insert when req.Token is null:
                req.Reply(null);
                break;
            case Insert:
                if (req.Value is null || req.Target is not { } target || target != NodeId.Read(SHA256.HashData(req.Value)))
                {
                    req.Error(HashMismatch);
                    break;
                }

                self.Store[target] = req.Value;
                req.Reply(null);
                break;
            case Get:
                req.Reply(req.Target is { } key && self.Store.TryGetValue(key, out var stored) ? stored : null);
                break;
            default:
                req.Error(1);
                break;
        }
    }

    private static Task<ProcessResult> RunScriptAsync(string script, params string[] arguments) =>
        ProcessRunner.RunAsync("node", [Path.Combine(RepoPaths.Interop, script), .. arguments], RepoPaths.Interop, ScriptLimit);
}
