using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using DhtRpc.Wire;
using DhtRpc.Rpc;
using DhtRpc.Storage.Client;
using DhtRpc.Storage.Json;
using DhtRpc.Storage.Protocol;
using DhtRpc.Storage.Stores;

namespace DhtRpc.IntegrationTests.Interop;

/// <summary>
/// The real storage layer (<see cref="DhtRpc.Storage.StorageNode"/> over an in-memory store) against
/// dht-rpc 6.27.0 clients and nodes: the content-store scripts, the warehouse commands driven from
/// JavaScript, and a network mixing JavaScript key-value nodes with C# storage nodes.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class StorageInteropTests
{
    private const string SampleHash = "fe55bb60efb0b18d59e644a55263b4be25d8c5217dfd55a7d18eb37f5958a494";
    private static readonly TimeSpan ScriptLimit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan ClientLimit = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task JsScriptsStoreAndFetchJsonOnCSharpStorageNodes()
    {
        await NodeJs.EnsureReadyAsync();
        await using var network = await StorageNetwork.StartAsync(10);
        var bootstrap = network.Bootstrapper.Address;
        var file = TestFiles.SampleJson;
        var text = await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken);
        var normalized = JsJson.Normalize(text);
        var bytes = Encoding.UTF8.GetBytes(normalized);

        // JavaScript inserts, our nodes store.
        var insert = await RunScriptAsync("study-insert-json.mjs", file, "--bootstrap", bootstrap, "--timeout", "30000");
        Assert.True(insert.ExitCode == 0, insert.ToString());
        Assert.Equal(SampleHash, LastLine(insert.StandardOutput));
        var key = NodeId.Parse(SampleHash);
        var holders = network.Nodes.Count(n => n.Content(key) is { } held && held.AsSpan().SequenceEqual(bytes));
        Assert.True(holders > 0, "no storage node holds the inserted JSON");

        // JavaScript fetches it back from our nodes.
        var retrieve = await RunScriptAsync("study-retrieve-json.mjs", SampleHash, "--bootstrap", bootstrap, "--timeout", "30000");
        Assert.True(retrieve.ExitCode == 0, retrieve.ToString());
        Assert.Equal(JsJson.Indent(normalized) + "\n", retrieve.StandardOutput);

        // Our client fetches what JavaScript stored, and stores a document JavaScript then finds.
        await using var client = await StartClientAsync(bootstrap);
        var storage = new DhtStorageClient(client);
        using var limit = new CancellationTokenSource(ClientLimit);
        Assert.Equal(normalized, await storage.GetJsonAsync(key, limit.Token));

        var other = "{ \"kind\": \"interop\", \"from\": \"C#\", \"list\": [3, 2.5, -1e21, null, true], \"nested\": { \"k\": \"v\\u00e9\" } }";
        var put = await storage.PutJsonAsync(other, cancellationToken: limit.Token);
        Assert.True(put.Replicas > 0);
        var otherHash = Convert.ToHexStringLower(SHA256.HashData(JsJson.NormalizeToUtf8(other)));
        Assert.Equal(otherHash, put.Key.ToString());

        var found = await RunScriptAsync("study-retrieve-json.mjs", otherHash, "--bootstrap", bootstrap, "--timeout", "30000");
        Assert.True(found.ExitCode == 0, found.ToString());
        Assert.Equal(JsJson.Indent(JsJson.Normalize(other)) + "\n", found.StandardOutput);
    }

    [Fact]
    public async Task JsClientDrivesTheWarehouseCommands()
    {
        await using var network = await StorageNetwork.StartAsync(4);
        await using var peer = await JsPeer.StartAsync();
        var js = (await peer.NodesAsync([network.Bootstrapper.Address], 1, ephemeral: true))[0].Index;

        // Find a warehouse: a query for STORE answers with a token.
        var lookup = await peer.QueryAsync(js, Sha256Hex("test"), (int)StorageCommands.WarehouseStore, null, commit: false);
        var withToken = lookup["replies"]!.AsArray().Select(r => r!.AsObject()).FirstOrDefault(r => r["token"] is not null && (int)r["error"]! == 0);
        Assert.True(withToken is not null, $"no reply with a token: {lookup.ToJsonString()}");
        var from = withToken!["from"]!.AsObject();
        var warehouse = network.ByPort((int)from["port"]!);
        Assert.NotNull(warehouse);
        var to = warehouse!.Address;

        (string Key, string Value)[] items =
        [
            ("user123", "John Doe"),
            ("config", "{\"theme\":\"dark\",\"lang\":\"en\"}"),
            ("session", "abc123xyz"),
            ("document", "Important business document content here..."),
        ];

        // STORE with a token: empty reply, no error, held by our node.
        foreach (var (key, value) in items)
        {
            var token = await TokenAsync(peer, js, to, key);
            var stored = await RequestAsync(peer, js, to, StorageCommands.WarehouseStore, Sha256Hex(key), Hex(value), token);
            Assert.Equal(0, (int)stored["error"]!);
            Assert.Null(stored["value"]);
            var held = warehouse.Store.Get(ItemSpace.Warehouse, NodeId.Parse(Sha256Hex(key)));
            Assert.NotNull(held);
            Assert.Equal(value, Encoding.UTF8.GetString(held!.Value));
        }

        // GET returns each value.
        foreach (var (key, value) in items)
        {
            var got = await RequestAsync(peer, js, to, StorageCommands.WarehouseGet, Sha256Hex(key), null, null);
            Assert.Equal(0, (int)got["error"]!);
            Assert.Equal(Hex(value), (string?)got["value"]);
        }

        // One LIST with no value, as the study's test sends it: every item in that one reply.
        var whole = await RequestAsync(peer, js, to, StorageCommands.WarehouseList, new string('0', 64), null, null);
        Assert.Equal(items.Length, JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromHexString((string)whole["value"]!)))!.AsArray().Count);

        // LIST (dummy zero target): the inventory holds every item with the study's fields.
        var inventory = await ListAllAsync(peer, js, to);
        foreach (var (key, value) in items)
        {
            var entry = Entry(inventory, key);
            Assert.Equal(value.Length, (int)entry["size"]!);
            Assert.Equal(string.Concat(value.AsSpan(0, Math.Min(30, value.Length)), "..."), (string?)entry["preview"]);
            Assert.True(DateTimeOffset.TryParse((string?)entry["stored"], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _), entry.ToJsonString());
            Assert.Equal(1L, (long)entry["accessCount"]!);
        }

        // Three more GETs raise the access count by three.
        for (var i = 0; i < 3; i++)
        {
            var got = await RequestAsync(peer, js, to, StorageCommands.WarehouseGet, Sha256Hex("user123"), null, null);
            Assert.Equal(Hex("John Doe"), (string?)got["value"]);
        }

        Assert.Equal(4L, (long)Entry(await ListAllAsync(peer, js, to), "user123")["accessCount"]!);

        // DELETE with a token, then the item is gone; deleting again says so.
        var deleteToken = await TokenAsync(peer, js, to, "session");
        var deleted = await RequestAsync(peer, js, to, StorageCommands.WarehouseDelete, Sha256Hex("session"), null, deleteToken);
        Assert.Equal(0, (int)deleted["error"]!);
        Assert.Equal(Hex("deleted"), (string?)deleted["value"]);
        Assert.Null(warehouse.Store.Get(ItemSpace.Warehouse, NodeId.Parse(Sha256Hex("session"))));

        var afterDelete = await RequestAsync(peer, js, to, StorageCommands.WarehouseGet, Sha256Hex("session"), null, null);
        Assert.Equal(0, (int)afterDelete["error"]!);
        Assert.Null(afterDelete["value"]);

        var again = await RequestAsync(peer, js, to, StorageCommands.WarehouseDelete, Sha256Hex("session"), null, await TokenAsync(peer, js, to, "session"));
        Assert.Equal(0, (int)again["error"]!);
        Assert.Equal(Hex("not-found"), (string?)again["value"]);

        // GET of a key never stored: an empty reply, not an error.
        var missing = await RequestAsync(peer, js, to, StorageCommands.WarehouseGet, Sha256Hex("never-stored"), null, null);
        Assert.Equal(0, (int)missing["error"]!);
        Assert.Null(missing["value"]);

        // STORE without a token stores nothing.
        var untokened = await RequestAsync(peer, js, to, StorageCommands.WarehouseStore, Sha256Hex("sneaky"), Hex("no token"), null);
        Assert.Equal((int)ErrorCodes.InvalidToken, (int)untokened["error"]!);
        Assert.Null(untokened["value"]);
        Assert.Null(warehouse.Store.Get(ItemSpace.Warehouse, NodeId.Parse(Sha256Hex("sneaky"))));
        Assert.Equal(3, warehouse.Store.Count(ItemSpace.Warehouse));
    }

    [Fact]
    public async Task PutReachesJsKeyValueNodesAndCSharpStorageNodes()
    {
        await using var network = await StorageNetwork.StartAsync(5);
        await using var peer = await JsPeer.StartAsync();
        var kvNodes = await peer.NodesAsync([network.Bootstrapper.Address], 6, ephemeral: false, behaviour: "kv");

        await using var client = await StartClientAsync(network.Bootstrapper.Address);
        var storage = new DhtStorageClient(client);
        var value = "{\"mixed\":\"network\",\"of\":[\"dht-rpc\",\"C#\"]}"u8.ToArray();
        var key = NodeId.Read(SHA256.HashData(value));
        var keyHex = key.ToString();
        var valueHex = Convert.ToHexStringLower(value);

        using var limit = new CancellationTokenSource(ClientLimit);
        var put = await storage.PutAsync(value, cancellationToken: limit.Token);
        Assert.Equal(key, put.Key);
        Assert.Equal(1, put.Blocks);

        // JavaScript nodes got the INSERT commit (with a token and the value) and stored it.
        var jsInserted = 0;
        var jsHolders = new List<JsNode>();
        foreach (var node in kvNodes)
        {
            var log = await peer.LogAsync(node.Index);
            if (log.Any(e => (int)e!["command"]! == (int)StorageCommands.Insert && (bool)e["hasToken"]! && (string?)e["target"] == keyHex && (string?)e["value"] == valueHex))
            {
                jsInserted++;
            }

            var store = await peer.StoreAsync(node.Index);
            if (store.Any(e => (string?)e!["target"] == keyHex && (string?)e["value"] == valueHex))
            {
                jsHolders.Add(node);
            }
        }

        Assert.True(jsInserted > 0, "no JavaScript node received the INSERT commit");
        Assert.Equal(jsInserted, jsHolders.Count);

        // C# storage nodes stored it.
        var csStored = network.Nodes.Count(n => n.Content(key) is { } held && held.AsSpan().SequenceEqual(value));
        Assert.True(csStored > 0, "no C# storage node holds the value");
        Assert.Equal(jsInserted + csStored, put.Replicas);

        // A lookup finds it; a JavaScript node answers GET with it too.
        Assert.Equal(value, await storage.GetBlockAsync(key, limit.Token));
        var direct = await client.RequestAsync(new DhtRequest(StorageCommands.Get, key), Ipv4Endpoint.Loopback(jsHolders[0].Port), cancellationToken: limit.Token);
        Assert.Equal(0UL, direct.Error);
        Assert.Equal(value, direct.Value);
    }

    private static async Task<DhtNode> StartClientAsync(string bootstrap)
    {
        var node = new DhtNode(new DhtNodeOptions { Host = "127.0.0.1", Ephemeral = true, Bootstrap = [bootstrap] });
        try
        {
            await node.FullyBootstrappedAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }

        return node;
    }

    /// <summary>A fresh token from the warehouse: the reply to STORE's query phase (no token) carries one.</summary>
    private static async Task<string> TokenAsync(JsPeer peer, int node, string to, string key)
    {
        var reply = await RequestAsync(peer, node, to, StorageCommands.WarehouseStore, Sha256Hex(key), null, null);
        Assert.Equal(0, (int)reply["error"]!);
        return (string?)reply["token"] ?? throw new InvalidOperationException($"no token from {to}: {reply.ToJsonString()}");
    }

    private static Task<JsonObject> RequestAsync(JsPeer peer, int node, string to, ulong command, string? target, string? value, string? token) =>
        peer.SendAsync("request", new JsonObject
        {
            ["node"] = node,
            ["to"] = to,
            ["command"] = (int)command,
            ["target"] = target,
            ["value"] = value,
            ["token"] = token,
            ["internal"] = false,
        });

    /// <summary>Every inventory entry, page by page (the value of LIST is the decimal offset).</summary>
    private static async Task<List<JsonObject>> ListAllAsync(JsPeer peer, int node, string to)
    {
        var entries = new List<JsonObject>();
        for (var page = 0; page < 50; page++)
        {
            var offset = page == 0 ? null : Hex(entries.Count.ToString(CultureInfo.InvariantCulture));
            var reply = await RequestAsync(peer, node, to, StorageCommands.WarehouseList, new string('0', 64), offset, null);
            Assert.Equal(0, (int)reply["error"]!);
            var json = Encoding.UTF8.GetString(Convert.FromHexString((string)reply["value"]!));
            var items = JsonNode.Parse(json)!.AsArray();
            if (items.Count == 0)
            {
                return entries;
            }

            entries.AddRange(items.Select(i => i!.AsObject()));
        }

        throw new InvalidOperationException("the inventory did not end within 50 pages");
    }

    private static JsonObject Entry(List<JsonObject> inventory, string key)
    {
        var prefix = Sha256Hex(key)[..16] + "...";
        var entry = inventory.SingleOrDefault(e => (string?)e["key"] == prefix);
        Assert.True(entry is not null, $"{key} ({prefix}) is not in the inventory: {JsonSerializer.Serialize(inventory)}");
        return entry!;
    }

    private static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static string Hex(string text) => Convert.ToHexStringLower(Encoding.UTF8.GetBytes(text));

    private static string LastLine(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];

    private static Task<ProcessResult> RunScriptAsync(string script, params string[] arguments) =>
        ProcessRunner.RunAsync("node", [Path.Combine(RepoPaths.Interop, script), .. arguments], RepoPaths.Interop, ScriptLimit);
}
