using System.Security.Cryptography;
using System.Text.Json.Nodes;
using DhtRpc.Crypto;
using DhtRpc.Wire;
using DhtRpc.Query;

namespace DhtRpc.IntegrationTests.Interop;

/// <summary>
/// Wire compatibility with dht-rpc 6.27.0: Node.js nodes (hosted by interop/peer.mjs) and C# nodes
/// find each other, exchange tokens and store values in each other's networks.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class InteropTests
{
    private static readonly TimeSpan QueryLimit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task JsClientFindsQueriesAndCommitsToAllCSharpNetwork()
    {
        await using var network = new CsNetwork();
        var boot = await network.AddBootstrapperAsync();
        await network.AddNodesAsync(boot.Address, 10);
        var ours = network.Ports;
        await using var peer = await JsPeer.StartAsync();
        var client = (await peer.NodesAsync([boot.Address], 1, ephemeral: true))[0];

        // FIND_NODE: every closest node is one of ours, with id = hash(127.0.0.1:port) = the id it uses.
        var find = await peer.FindNodeAsync(client.Index, NodeId.Random().ToString());
        Assert.True((bool)find["ok"]!, (string?)find["error"]);
        var closest = Peers(find["closestNodes"]!);
        Assert.Equal(ours.Order(), closest.Select(p => p.Port).Order());
        foreach (var (port, id) in closest)
        {
            var node = network.Nodes.Single(n => n.Port == port);
            Assert.Equal(Blake2b.NodeIdOf(Ipv4Endpoint.Loopback(port)).ToString(), id);
            Assert.Equal(node.Node.Id.ToString(), id);
        }

        // PUT with commit: each commit carries the token we handed out, and we accept it.
        var value = RandomNumberGenerator.GetBytes(48);
        var target = NodeId.Read(SHA256.HashData(value));
        var put = await peer.QueryAsync(client.Index, target.ToString(), 0, Convert.ToHexStringLower(value), commit: true);
        Assert.True((bool)put["ok"]!, (string?)put["error"]);
        var closestCount = (int)put["closestCount"]!;
        Assert.Equal(ours.Count, closestCount);
        var commits = put["commits"]!.AsArray();
        Assert.Equal(closestCount, commits.Count);
        Assert.All(commits, c =>
        {
            Assert.True((bool)c!["ok"]!, c.ToJsonString());
            Assert.Equal(0, (int)c["errorCode"]!);
        });
        Assert.Equal(closestCount, (int)put["committed"]!);

        var committedPorts = Peers(put["closestReplies"]!).Select(p => p.Port).ToHashSet();
        Assert.Equal(committedPorts, commits.Select(c => (int)c!["to"]!["port"]!).ToHashSet());
        var storing = network.Nodes.Where(n => n.Store.TryGetValue(target, out var v) && v.AsSpan().SequenceEqual(value)).Select(n => n.Port).ToHashSet();
        Assert.Equal(closestCount, storing.Count);
        Assert.Equal(committedPorts, storing);
        foreach (var node in network.Nodes.Where(n => storing.Contains(n.Port)))
        {
            var withToken = node.Requests.Where(r => r.Command == CsStoreNode.Put && r.Token is not null).ToList();
            var commit = Assert.Single(withToken);
            Assert.Equal(target, commit.Target);
            Assert.Equal(value, commit.Value);
        }

        // GET: the value comes back from our nodes.
        var get = await peer.QueryAsync(client.Index, target.ToString(), 1, null, commit: false);
        Assert.True((bool)get["ok"]!, (string?)get["error"]);
        var withValue = get["replies"]!.AsArray().Where(r => (string?)r!["value"] is not null).ToList();
        Assert.NotEmpty(withValue);
        Assert.All(withValue, r =>
        {
            Assert.Equal(Convert.ToHexStringLower(value), (string?)r!["value"]);
            Assert.Contains((int)r["from"]!["port"]!, storing);
        });
    }

    [Fact]
    public async Task CSharpClientFindsQueriesAndCommitsToAllJsNetwork()
    {
        await using var peer = await JsPeer.StartAsync();
        var boot = await peer.BootstrapperAsync(behaviour: "kv");
        var nodes = new List<JsNode> { boot };
        nodes.AddRange(await peer.NodesAsync([boot.Address], 10, ephemeral: false, behaviour: "kv"));
        Assert.All(nodes, n => Assert.NotNull(n.NodeId));
        var byPort = nodes.ToDictionary(n => n.Port);

        await using var client = await CsStoreNode.StartAsync([boot.Address], ephemeral: true);

        // FIND_NODE: ids we recompute from the addresses are the ids the JS nodes use.
        var find = client.Node.FindNode(NodeId.Random());
        await find.ToListAsync().WaitAsync(QueryLimit);
        Assert.Equal(byPort.Keys.Order(), find.ClosestReplies.Select(r => (int)r.From.Endpoint.Port).Order());
        foreach (var reply in find.ClosestReplies)
        {
            var id = reply.From.Id!.Value;
            Assert.Equal(Blake2b.NodeIdOf(reply.From.Endpoint), id);
            Assert.Equal(byPort[reply.From.Endpoint.Port].NodeId, id.ToString());
        }

        await ClearLogsAsync(peer, nodes);

        // PUT with auto-commit: each closest JS node receives the PUT with a token and stores it.
        var value = RandomNumberGenerator.GetBytes(40);
        var target = NodeId.Read(SHA256.HashData(value));
        var put = client.Node.Query(target, 0, value, new QueryOptions { AutoCommit = true });
        await put.ToListAsync().WaitAsync(QueryLimit);
        var committed = put.ClosestReplies.Select(r => (int)r.From.Endpoint.Port).ToHashSet();
        Assert.Equal(nodes.Count, committed.Count);

        var storing = new HashSet<int>();
        foreach (var node in nodes)
        {
            var puts = (await peer.LogAsync(node.Index)).Where(e => (int)e!["command"]! == 0).ToList();
            var withToken = puts.Where(e => (bool)e!["hasToken"]!).ToList();
            var store = await peer.StoreAsync(node.Index);
            var stored = store.Any(e => (string?)e!["target"] == target.ToString() && (string?)e["value"] == Convert.ToHexStringLower(value));
            if (committed.Contains(node.Port))
            {
                var commit = Assert.Single(withToken);
                Assert.Equal(target.ToString(), (string?)commit!["target"]);
                Assert.Equal(Convert.ToHexStringLower(value), (string?)commit["value"]);
                Assert.Equal(64, ((string?)commit["token"])?.Length);
            }
            else
            {
                Assert.Empty(withToken);
            }

            if (stored)
            {
                storing.Add(node.Port);
            }
        }

        Assert.Equal(committed, storing);

        // GET: the value comes back from the JS nodes.
        var get = client.Node.Query(target, 1);
        var replies = await get.ToListAsync().WaitAsync(QueryLimit);
        var withValue = replies.Where(r => r.Value is { Length: > 0 }).ToList();
        Assert.NotEmpty(withValue);
        Assert.All(withValue, r =>
        {
            Assert.Equal(value, r.Value);
            Assert.Contains((int)r.From.Endpoint.Port, storing);
        });
    }

    [Fact]
    public async Task MixedNetworkLookupsAndTablesSpanBothImplementations()
    {
        await using var peer = await JsPeer.StartAsync();
        await using var network = new CsNetwork();
        var boot = await peer.BootstrapperAsync();
        var js = new List<JsNode> { boot };
        for (var wave = 0; wave < 2; wave++)
        {
            js.AddRange(await peer.NodesAsync([boot.Address], 3, ephemeral: false));
            await network.AddNodesAsync(boot.Address, 3);
        }

        var jsPorts = js.Select(n => n.Port).ToHashSet();
        var csPorts = network.Ports;
        var jsNode = js[^1];
        var csNode = network.Nodes[^1];

        // Random target, from a C# node and from a JS node.
        var random = NodeId.Random();
        var fromCs = csNode.Node.FindNode(random);
        await fromCs.ToListAsync().WaitAsync(QueryLimit);
        AssertBothKinds(fromCs.ClosestReplies.Select(r => (int)r.From.Endpoint.Port).ToList(), jsPorts, csPorts);

        var fromJs = await peer.FindNodeAsync(jsNode.Index, random.ToString());
        Assert.True((bool)fromJs["ok"]!, (string?)fromJs["error"]);
        AssertBothKinds(Peers(fromJs["closestNodes"]!).Select(p => p.Port).ToList(), jsPorts, csPorts);

        // A specific node's id: the node itself comes back first, across implementations.
        var jsTarget = js[2];
        var towardJs = csNode.Node.FindNode(NodeId.Parse(jsTarget.NodeId!));
        await towardJs.ToListAsync().WaitAsync(QueryLimit);
        Assert.Equal(jsTarget.Port, towardJs.ClosestReplies[0].From.Endpoint.Port);
        AssertBothKinds(towardJs.ClosestReplies.Select(r => (int)r.From.Endpoint.Port).ToList(), jsPorts, csPorts);

        var csTarget = network.Nodes[1];
        var towardCs = await peer.FindNodeAsync(jsNode.Index, csTarget.Node.Id!.Value.ToString());
        Assert.True((bool)towardCs["ok"]!, (string?)towardCs["error"]);
        var towardCsNodes = Peers(towardCs["closestNodes"]!);
        Assert.Equal((csTarget.Port, csTarget.Node.Id!.Value.ToString()), towardCsNodes[0]);
        AssertBothKinds(towardCsNodes.Select(p => p.Port).ToList(), jsPorts, csPorts);

        // Routing tables: ours hold JS nodes, theirs hold ours.
        foreach (var node in network.Nodes)
        {
            var table = await node.Node.GetNodesAsync();
            Assert.Contains(table, e => jsPorts.Contains(e.Port));
        }

        foreach (var node in js)
        {
            var table = await peer.TableAsync(node.Index);
            var ports = table["tableNodes"]!.AsArray().Select(e => (int)e!["port"]!).ToList();
            Assert.Contains(ports, csPorts.Contains);
        }
    }

    private static void AssertBothKinds(IReadOnlyList<int> ports, HashSet<int> jsPorts, HashSet<int> csPorts)
    {
        Assert.All(ports, p => Assert.True(jsPorts.Contains(p) || csPorts.Contains(p), $"unknown port {p}"));
        Assert.Contains(ports, jsPorts.Contains);
        Assert.Contains(ports, csPorts.Contains);
    }

    private static async Task ClearLogsAsync(JsPeer peer, IEnumerable<JsNode> nodes)
    {
        foreach (var node in nodes)
        {
            await peer.LogAsync(node.Index);
        }
    }

    private static List<(int Port, string? Id)> Peers(JsonNode array) =>
        array.AsArray().Select(p => ((int)p!["port"]!, (string?)p["id"])).ToList();
}
