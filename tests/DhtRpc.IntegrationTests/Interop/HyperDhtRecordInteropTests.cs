using System.Text;
using System.Text.Json.Nodes;
using DhtRpc.Storage.HyperDht;
using DhtRpc.Wire;
using NSec.Cryptography;

namespace DhtRpc.IntegrationTests.Interop;

/// <summary>Our .NET record client and JS hyperdht clients (interop/hyperdht-records.mjs) read what the other put.</summary>
[Collection(InteropCollection.Name)]
public sealed class HyperDhtRecordInteropTests
{
    private static readonly TimeSpan ScriptLimit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Immutable_mutable_and_announced_records_cross_between_js_hyperdht_and_our_client()
    {
        await NodeJs.EnsureReadyAsync();
        await using var network = await HyperDhtLoopbackNetwork.CreateAsync(20);
        var client = new HyperDhtClient(await network.ClientAsync());

        // Immutable: JS puts, we get; we put, JS gets.
        var jsValue = Encoding.UTF8.GetBytes("put by a JS hyperdht client");
        var jsHash = NodeId.Parse((await JsAsync(network, "immutable-put", Hex(jsValue)))["hash"]!.GetValue<string>());
        Assert.Equal(jsValue, await client.ImmutableGetAsync(jsHash));
        var ourValue = Encoding.UTF8.GetBytes("put by our client");
        var ourPut = await client.ImmutablePutAsync(ourValue);
        Assert.Equal(Hex(ourValue), (await JsAsync(network, "immutable-get", ourPut.Target.ToString()))["value"]!.GetValue<string>());

        // Mutable, signed by keys both sides derive from the same seed.
        var jsSeed = Enumerable.Range(40, 32).Select(i => (byte)i).ToArray();
        var jsKey = Convert.FromHexString((await JsAsync(network, "mutable-put", Hex(jsSeed), Hex("js mutable"u8.ToArray()), "4"))["publicKey"]!.GetValue<string>());
        var read = await client.MutableGetAsync(jsKey);
        Assert.Equal((4UL, "js mutable"), (read!.Seq, Encoding.UTF8.GetString(read.Value)));
        using var ourKey = Key.Import(SignatureAlgorithm.Ed25519, Enumerable.Range(80, 32).Select(i => (byte)i).ToArray(), KeyBlobFormat.RawPrivateKey);
        await client.MutablePutAsync(ourKey, "our mutable"u8.ToArray(), 6);
        var jsRead = await JsAsync(network, "mutable-get", Hex(ourKey.PublicKey.Export(KeyBlobFormat.RawPublicKey)));
        Assert.Equal((6, Hex("our mutable"u8.ToArray())), (jsRead["seq"]!.GetValue<int>(), jsRead["value"]!.GetValue<string>()));

        // Announce and lookup, both ways.
        var topic = NodeId.Random();
        var jsAnnouncer = (await JsAsync(network, "announce", topic.ToString(), Hex(jsSeed)))["publicKey"]!.GetValue<string>();
        Assert.Contains(jsAnnouncer, (await client.LookupAsync(topic)).Select(p => Hex(p.PublicKey)));
        await client.AnnounceAsync(topic, ourKey);
        var keys = (await JsAsync(network, "lookup", topic.ToString()))["publicKeys"]!.AsArray().Select(k => k!.GetValue<string>());
        Assert.Contains(Hex(ourKey.PublicKey.Export(KeyBlobFormat.RawPublicKey)), keys);
    }

    private static string Hex(byte[] bytes) => Convert.ToHexStringLower(bytes);

    private static async Task<JsonObject> JsAsync(HyperDhtLoopbackNetwork network, params string[] operation)
    {
        string[] arguments = ["hyperdht-records.mjs", "--bootstrap", network.Entry, .. operation];
        var result = await ProcessRunner.RunAsync("node", arguments, RepoPaths.Interop, ScriptLimit);
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonNode.Parse(result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1])!.AsObject();
    }
}
