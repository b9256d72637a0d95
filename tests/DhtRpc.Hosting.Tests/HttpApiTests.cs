using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace DhtRpc.Hosting.Tests;

/// <summary>The HTTP API of a node booted through AddDhtNode, read from a real Kestrel on loopback.</summary>
public sealed class HttpApiTests
{
    private static CancellationToken Stop => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Status_names_the_node_and_what_it_stores()
    {
        await using var host = await ApiHost.StartAsync();

        using var status = JsonDocument.Parse(await host.Http.GetStringAsync("status", Stop));

        var root = status.RootElement;
        Assert.Equal(host.Service.Node.Id!.ToString(), root.GetProperty("id").GetString());
        Assert.Equal("storage", root.GetProperty("role").GetString());
        Assert.True(root.GetProperty("bootstrapped").GetBoolean());
        Assert.Equal($"127.0.0.1:{host.Service.Node.ServerEndpoint!.Value.Port}", root.GetProperty("address").GetString());
        Assert.True(root.GetProperty("routingTableSize").GetInt32() >= 1);
        Assert.Equal("test-rack", root.GetProperty("storage").GetProperty("location").GetString());
    }

    [Fact]
    public async Task Routing_lists_the_table_by_row_with_every_node_the_table_holds()
    {
        await using var host = await ApiHost.StartAsync();
        var table = await host.Service.Node.GetRoutingTableAsync();

        using var routing = JsonDocument.Parse(await host.Http.GetStringAsync("routing", Stop));

        var rows = routing.RootElement.GetProperty("rows").EnumerateArray().ToList();
        var listed = rows.SelectMany(r => r.GetProperty("nodes").EnumerateArray().Select(n => (Row: r.GetProperty("row").GetInt32(), Id: n.GetProperty("id").GetString()!, Address: n.GetProperty("address").GetString()!))).ToList();
        Assert.Equal(table.Count, routing.RootElement.GetProperty("size").GetInt32());
        Assert.Equal(table.Select(n => n.Id.ToString()).Order(), listed.Select(n => n.Id).Order());
        var me = host.Service.Node.TableId;
        Assert.All(listed, n => Assert.Equal(me.CommonPrefixLength(Wire.NodeId.Parse(n.Id)), n.Row));
        var swarm = host.Swarm.Nodes.Select(n => Testing.StorageLoopbackSwarm.EndpointOf(n).ToString()).ToHashSet();
        Assert.All(listed, n => Assert.Contains(n.Address, swarm));
    }

    [Fact]
    public async Task Health_is_healthy_once_joined_and_unavailable_after_the_node_stopped()
    {
        await using var host = await ApiHost.StartAsync();

        using var healthy = await host.Http.GetAsync("health", Stop);
        using var body = JsonDocument.Parse(await healthy.Content.ReadAsStringAsync(Stop));
        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
        Assert.Equal("Healthy", body.RootElement.GetProperty("status").GetString());

        await host.Service.Host!.DisposeAsync();
        using var stopped = await host.Http.GetAsync("health", Stop);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, stopped.StatusCode);
        using var status = await host.Http.GetAsync("status", Stop);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status.StatusCode);
    }

    [Fact]
    public async Task Content_put_then_get_round_trips_through_the_network_and_checks_the_hash()
    {
        await using var host = await ApiHost.StartAsync();
        var value = Encoding.UTF8.GetBytes("""{"stored":"over http"}""");
        var hash = Convert.ToHexStringLower(SHA256.HashData(value));

        using var put = await host.Http.PutAsync($"content/{hash}", new ByteArrayContent(value), Stop);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal($"/content/{hash}", put.Headers.Location?.ToString());
        using var result = JsonDocument.Parse(await put.Content.ReadAsStringAsync(Stop));
        Assert.True(result.RootElement.GetProperty("replicas").GetInt32() >= 1);

        Assert.Equal(value, await host.Http.GetByteArrayAsync($"content/{hash}", Stop));

        using var wrong = await host.Http.PutAsync($"content/{hash}", new ByteArrayContent("other"u8.ToArray()), Stop);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, wrong.StatusCode);
        using var bad = await host.Http.GetAsync("content/not-a-hash", Stop);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        using var missing = await host.Http.GetAsync($"content/{new string('0', 64)}", Stop);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task A_large_body_is_taken_under_its_key_at_the_default_block_size_and_at_the_earlier_16_KiB()
    {
        await using var host = await ApiHost.StartAsync();
        var value = new byte[40_000];
        new Random(40).NextBytes(value);
        var current = Storage.Chunking.ChunkPlanner.Plan(value, Storage.Client.PutOptions.DefaultBlockSize);
        var earlier = Storage.Chunking.ChunkPlanner.Plan(value, 16 * 1024);
        Assert.NotEqual(current.RootKey, earlier.RootKey);

        foreach (var (plan, blocks) in new[] { (current, current.Blocks.Count), (earlier, earlier.Blocks.Count) })
        {
            using var put = await host.Http.PutAsync($"content/{plan.RootKey}", new ByteArrayContent(value), Stop);
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
            using var result = JsonDocument.Parse(await put.Content.ReadAsStringAsync(Stop));
            Assert.Equal(blocks, result.RootElement.GetProperty("blocks").GetInt32());
            Assert.Equal(value, await host.Http.GetByteArrayAsync($"content/{plan.RootKey}", Stop));
        }
    }

    [Fact]
    public async Task Content_over_the_size_limit_is_413_and_over_the_rate_limit_429()
    {
        await using var host = await ApiHost.StartAsync(contentRequestsPerSecond: 2);
        var big = new byte[16 * 1024 * 1024 + 1];
        var hash = Convert.ToHexStringLower(SHA256.HashData(big));

        using var tooBig = await host.Http.PutAsync($"content/{hash}", new ByteArrayContent(big), Stop);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);

        var codes = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
        {
            using var reply = await host.Http.GetAsync($"content/{new string('1', 64)}", Stop);
            codes.Add(reply.StatusCode);
        }

        Assert.Contains(HttpStatusCode.TooManyRequests, codes);
    }

    [Fact]
    public async Task Warehouse_items_list_what_the_node_holds()
    {
        await using var host = await ApiHost.StartAsync();
        var storage = host.Service.Storage!;
        var key = Wire.NodeId.Read(SHA256.HashData("shelf-1"u8));
        storage.Inspect(store =>
        {
            store.Put(new Storage.Stores.StoredItem { Space = Storage.Stores.ItemSpace.Warehouse, Key = key, Value = "{\"a\":1}"u8.ToArray(), StoredAt = DateTimeOffset.UtcNow, StoredBy = "127.0.0.9:1" });
            return 0;
        });

        using var list = JsonDocument.Parse(await host.Http.GetStringAsync("warehouse/items", Stop));
        using var item = JsonDocument.Parse(await host.Http.GetStringAsync("warehouse/items/by-name?name=shelf-1", Stop));
        using var absent = await host.Http.GetAsync($"warehouse/items/{new string('2', 64)}", Stop);

        Assert.Equal(1, list.RootElement.GetProperty("total").GetInt32());
        Assert.Equal(key.ToString(), list.RootElement.GetProperty("items")[0].GetProperty("key").GetString());
        Assert.Equal(7, item.RootElement.GetProperty("size").GetInt32());
        Assert.Equal("{\"a\":1}"u8.ToArray(), item.RootElement.GetProperty("valueBase64").GetBytesFromBase64());
        Assert.Equal(HttpStatusCode.NotFound, absent.StatusCode);
    }

    [Fact]
    public async Task Metrics_are_prometheus_text_with_the_documented_names_and_the_nodes_values()
    {
        await using var host = await ApiHost.StartAsync();
        var storage = host.Service.Storage!;
        storage.Inspect(store =>
        {
            store.Put(new Storage.Stores.StoredItem { Space = Storage.Stores.ItemSpace.Warehouse, Key = Wire.NodeId.Read(SHA256.HashData("m"u8)), Value = new byte[321], StoredAt = DateTimeOffset.UtcNow, StoredBy = "127.0.0.9:1" });
            return 0;
        });
        var table = await host.Service.Node.GetRoutingTableAsync();

        using var reply = await host.Http.GetAsync("metrics", Stop);
        var text = await reply.Content.ReadAsStringAsync(Stop);

        Assert.Equal(HttpStatusCode.OK, reply.StatusCode);
        Assert.StartsWith("text/plain", reply.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        var documented = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "docs", "metrics.md"), Stop);
        foreach (var name in new[] { "dht_requests_sent_total", "dht_responses_received_total", "dht_routing_table_size", "dht_queries_started_total", "storage_items", "storage_bytes" })
        {
            Assert.Contains($"`{name}`", documented, StringComparison.Ordinal);
            Assert.Contains($"\n{name}{{", text, StringComparison.Ordinal);
        }

        Assert.Matches($"\\ndht_routing_table_size{{[^}}]*}} {table.Count}( |\\n)", text);
        Assert.Matches("\\nstorage_bytes{[^}]*} 321( |\\n)", text);
        Assert.Contains($"dht_node_port=\"0\"", text, StringComparison.Ordinal);
    }
}
