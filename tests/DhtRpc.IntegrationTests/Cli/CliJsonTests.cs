using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using DhtRpc.IntegrationTests.Interop;

namespace DhtRpc.IntegrationTests.Cli;

/// <summary>
/// Every client verb's --json line, parsed, against docs/cli-json.md: one line on stdout, camelCase
/// fields exactly as documented on success, and an error object (code, the stderr sentence) on failure.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class CliJsonTests(CliNetwork network) : IClassFixture<CliNetwork>
{
    private const string Absent = "1111111111111111111111111111111111111111111111111111111111111111";

    [Fact]
    public async Task Content_and_lookup_verbs_print_the_documented_fields()
    {
        var file = Path.Combine(Path.GetTempPath(), $"dht-json-{Guid.NewGuid():N}.bin");
        await File.WriteAllBytesAsync(file, "some bytes\n"u8.ToArray(), TestContext.Current.CancellationToken);
        try
        {
            var putJson = Success(await network.RunAsync("put-json", CliStorageTests.SamplePath, "--json"), "hash", "replicas", "size", "blocks");
            var hash = putJson.GetProperty("hash").GetString()!;
            var getJson = Success(await network.RunAsync("get-json", hash, "--json"), "hash", "size", "file", "document");
            Assert.Equal(JsonValueKind.Object, getJson.GetProperty("document").ValueKind);
            Assert.Equal(JsonValueKind.Null, getJson.GetProperty("file").ValueKind);

            var put = Success(await network.RunAsync("put", file, "--json"), "hash", "replicas", "size", "blocks");
            var get = Success(await network.RunAsync("get", put.GetProperty("hash").GetString()!, "--json"), "hash", "size", "file", "base64");
            Assert.Equal("some bytes\n"u8.ToArray(), Convert.FromBase64String(get.GetProperty("base64").GetString()!));

            var lookup = Success(await network.RunAsync("lookup", "hello", "--json"), "target", "nodes");
            Assert.All(lookup.GetProperty("nodes").EnumerateArray(), n => Assert.Equal(["node", "id", "sharedBits"], Names(n)));
            var routing = Success(await network.RunAsync("routing", "--json"), "id", "buckets");
            Assert.All(routing.GetProperty("buckets").EnumerateArray(), b => Assert.Equal(["bucket", "nodes"], Names(b)));
            Success(await DhtCli.RunAsync(TimeSpan.FromSeconds(60), "ping", network.Bootstrap, "--json"), "node", "rttMs", "id", "seenAs");
            var stats = Success(await network.RunAsync("stats", "--node", network.Bootstrap, "--json"), "node", "info");
            Assert.Equal(["location", "nodeId", "items", "contentItems", "bytes", "totalStored", "totalServed", "totalDeleted", "uptimeSeconds", "counters"], Names(stats.GetProperty("info")));
            Success(await DhtCli.RunAsync(TimeSpan.FromSeconds(60), "identity", "--json"), "publicKey", "file", "created");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Warehouse_verbs_print_the_documented_fields()
    {
        var key = $"json-{Guid.NewGuid():N}";
        var store = Success(await network.RunAsync("warehouse", "store", key, "a value", "--json"), "key", "target", "signed", "owner", "sequence", "storedOn", "failures");
        Assert.NotEmpty(store.GetProperty("storedOn").EnumerateArray());
        var get = Success(await network.RunAsync("warehouse", "get", key, "--json"), "key", "target", "value", "size", "from", "values", "disagreement", "forgeries", "forgedBy", "unreadable");
        Assert.Equal("a value", get.GetProperty("value").GetString());
        Assert.All(get.GetProperty("values").EnumerateArray(), v => Assert.Equal(["value", "signed", "verifiable", "owner", "sequence", "holders"], Names(v)));

        var list = await network.RunAsync("warehouse", "list", "--json");
        Assert.True(list.ExitCode == 0, list.ToString());
        using (var document = JsonDocument.Parse(SingleLine(list)))
        {
            var entry = Assert.Single(document.RootElement.EnumerateArray());
            Assert.Equal(["node", "items"], Names(entry));
            Assert.All(entry.GetProperty("items").EnumerateArray(), i => Assert.Equal(["key", "preview", "size", "stored", "accessCount", "fullKey", "storedBy", "lastAccess", "location", "signed", "name"], Names(i)));
        }

        // The name this user stored the item under comes from the name book beside the identity.
        var all = await network.RunAsync("warehouse", "list", "--all", "--json");
        using (var document = JsonDocument.Parse(SingleLine(all)))
        {
            Assert.Contains(document.RootElement.EnumerateArray().SelectMany(e => e.GetProperty("items").EnumerateArray()), i => i.GetProperty("name").GetString() == key);
        }

        var stats = Success(await network.RunAsync("warehouse", "stats", key, "--json"), "key", "target", "accessCount", "holders");
        Assert.All(stats.GetProperty("holders").EnumerateArray(), h => Assert.Equal(["node", "location", "size", "accessCount", "lastAccess", "stored"], Names(h)));
        Success(await network.RunAsync("warehouse", "delete", key, "--json"), "key", "signed", "deletedFrom", "refusals");
    }

    [Fact]
    public async Task Failures_print_an_error_object_with_the_code_and_the_stderr_sentence()
    {
        int closed;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            closed = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        Failure(await network.RunAsync("get-json", Absent, "--json"), 1, "not-found");
        Failure(await network.RunAsync("get", Absent, "--json"), 1, "not-found");
        Failure(await network.RunAsync("get-json", "abc", "--json"), 2, "usage");
        Failure(await network.RunAsync("lookup", "hello", "--no-such-option", "--json"), 2, "usage");
        Failure(await network.RunAsync("put-json", "/no/such/file.json", "--json"), 1, "io");
        Failure(await DhtCli.RunAsync(TimeSpan.FromSeconds(60), "stats", "--http", closed.ToString(CultureInfo.InvariantCulture), "--json"), 1, "unreachable");

        // Verbs that report on many nodes keep their own fields and add the error.
        var get = Failure(await network.RunAsync("warehouse", "get", "never-stored-" + Guid.NewGuid().ToString("N"), "--json"), 1, "not-found");
        Assert.Equal(JsonValueKind.Null, get.GetProperty("value").ValueKind);
        Assert.Equal("error", Names(get)[0]);
        var delete = Failure(await network.RunAsync("warehouse", "delete", "never-stored-" + Guid.NewGuid().ToString("N"), "--json"), 1, "not-found");
        Assert.Empty(delete.GetProperty("deletedFrom").EnumerateArray());
    }

    [Fact]
    public async Task Warehouse_store_takes_the_value_from_a_file_and_says_when_it_has_none_or_two()
    {
        var key = $"file-{Guid.NewGuid():N}";
        var file = Path.Combine(Path.GetTempPath(), $"dht-value-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(file, "from a file", TestContext.Current.CancellationToken);
        try
        {
            Success(await network.RunAsync("warehouse", "store", key, "--file", file, "--json"), "key", "target", "signed", "owner", "sequence", "storedOn", "failures");
            var get = Success(await network.RunAsync("warehouse", "get", key, "--json"), "key", "target", "value", "size", "from", "values", "disagreement", "forgeries", "forgedBy", "unreadable");
            Assert.Equal("from a file", get.GetProperty("value").GetString());

            var both = Failure(await network.RunAsync("warehouse", "store", key, "text", "--file", file, "--json"), 2, "usage");
            Assert.Equal("Give VALUE or --file, not both.", both.GetProperty("error").GetProperty("message").GetString());
            var none = Failure(await network.RunAsync("warehouse", "store", key, "--json"), 2, "usage");
            Assert.Equal("Give the value to store: VALUE, or --file FILE (- for standard input).", none.GetProperty("error").GetProperty("message").GetString());
            var missing = Failure(await network.RunAsync("warehouse", "store", key, "--file", file + ".gone", "--json"), 1, "io");
            Assert.Equal($"File '{file}.gone' does not exist.", missing.GetProperty("error").GetProperty("message").GetString());
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Parses the one stdout line of a run that succeeded and checks its top-level fields, in order.</summary>
    private static JsonElement Success(ProcessResult result, params string[] fields)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        var root = JsonDocument.Parse(SingleLine(result)).RootElement.Clone();
        Assert.Equal(fields, Names(root));
        return root;
    }

    /// <summary>Parses the one stdout line of a failed run: an error with the code, and the sentence stderr gave.</summary>
    private static JsonElement Failure(ProcessResult result, int exitCode, string code)
    {
        Assert.True(result.ExitCode == exitCode, result.ToString());
        var root = JsonDocument.Parse(SingleLine(result)).RootElement.Clone();
        var error = root.GetProperty("error");
        Assert.Equal(["code", "message"], Names(error));
        Assert.Equal(code, error.GetProperty("code").GetString());
        // The same sentence is a line of stderr (notes such as a new identity may come before it, hints after).
        var lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r'));
        Assert.Contains(error.GetProperty("message").GetString(), lines);
        return root;
    }

    private static string SingleLine(ProcessResult result)
    {
        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, result.ToString());
        return lines[0];
    }

    private static string[] Names(JsonElement element) => [.. element.EnumerateObject().Select(p => p.Name)];
}
