using DhtRpc.IntegrationTests.Interop;
using DhtRpc.Storage.Json;

namespace DhtRpc.IntegrationTests.Cli;

/// <summary>The study's JavaScript insert/retrieve scripts (npm dht-rpc) and our `dht` verbs exchange JSON through one network.</summary>
[Collection(InteropCollection.Name)]
public sealed class CliJsExchangeTests(CliNetwork network) : IClassFixture<CliNetwork>
{
    private static readonly TimeSpan ScriptLimit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task JsInsertsAndDhtGetsThenDhtPutsAndJsRetrieves()
    {
        await NodeJs.EnsureReadyAsync();
        var directory = Directory.CreateTempSubdirectory("dht-js-exchange-");
        try
        {
            // JavaScript → dht: the study's insert script stores a document; `dht get-json` reads it back.
            var fromJs = Path.Combine(directory.FullName, "from-js.json");
            const string jsText = "{\"writer\":\"javascript\",\"n\":[1,2.5,-0,1e21],\"text\":\"caf\\u00e9 \\ud83d\\ude00\"}";
            await File.WriteAllTextAsync(fromJs, jsText);
            var insert = await RunScriptAsync("study-insert-json.mjs", fromJs, "--bootstrap", network.Bootstrap, "--timeout", "30000");
            Assert.True(insert.ExitCode == 0, insert.ToString());
            var jsHash = insert.StandardOutput.Trim().Split('\n')[^1].Trim();
            var get = await network.RunAsync("get-json", jsHash);
            Assert.True(get.ExitCode == 0, get.ToString());
            Assert.Equal(JsJson.Indent(JsJson.Normalize(jsText)), get.StandardOutput.TrimEnd('\n'));

            // dht → JavaScript: `dht put-json` stores another; the study's retrieve script prints it.
            var fromDht = Path.Combine(directory.FullName, "from-dht.json");
            const string dhtText = "{ \"writer\": \"dotnet\", \"list\": [true, false, null], \"nested\": { \"10\": \"a\", \"2\": \"b\" } }";
            await File.WriteAllTextAsync(fromDht, dhtText);
            var put = await network.RunAsync("put-json", fromDht);
            Assert.True(put.ExitCode == 0, put.ToString());
            var dhtHash = put.StandardOutput.Trim().Split('\n')[^1].Trim();
            Assert.NotEqual(jsHash, dhtHash);
            var retrieve = await RunScriptAsync("study-retrieve-json.mjs", dhtHash, "--bootstrap", network.Bootstrap, "--timeout", "30000");
            Assert.True(retrieve.ExitCode == 0, retrieve.ToString());
            Assert.Equal(JsJson.Indent(JsJson.Normalize(dhtText)), retrieve.StandardOutput.TrimEnd('\n'));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static Task<ProcessResult> RunScriptAsync(string script, params string[] arguments) =>
        ProcessRunner.RunAsync("node", [Path.Combine(RepoPaths.Interop, script), .. arguments], RepoPaths.Interop, ScriptLimit);
}
