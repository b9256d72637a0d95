using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using DhtRpc.IntegrationTests.Cli;

namespace DhtRpc.IntegrationTests.Interop;

/// <summary>
/// The study's insert and retrieve scripts (dht-rpc clients) still work against `dht` nodes that hold
/// loopback to a public node's limits (`--limit-local`): its tokenless GET draws a few hundred bytes,
/// within one datagram and the byte budget.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class LimitedStudyScriptTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Study_scripts_insert_and_retrieve_through_limited_nodes()
    {
        await NodeJs.EnsureReadyAsync();
        var port = FreePorts.Udp().ToString(CultureInfo.InvariantCulture);
        var bootstrap = "127.0.0.1:" + port;
        await using var boot = DhtCliProcess.Start("bootstrap", "--port", port, "--limit-local");
        await boot.WaitForLineAsync(line => line == "ready", Limit);
        await using var network = DhtCliProcess.Start("network", "--nodes", "6", "--bootstrap", bootstrap, "--limit-local");
        await network.WaitForLineAsync(line => line.StartsWith("ready", StringComparison.Ordinal), Limit);

        var dir = Directory.CreateTempSubdirectory("dht-limited-");
        try
        {
            var file = Path.Combine(dir.FullName, "doc.json");
            var json = "{\"study\":\"limits\",\"padding\":\"" + new string('x', 300) + "\"}";
            await File.WriteAllTextAsync(file, json);
            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)));

            var insert = await RunScriptAsync("study-insert-json.mjs", file, "--bootstrap", bootstrap, "--timeout", "30000");
            Assert.True(insert.ExitCode == 0, insert.ToString());
            Assert.Equal(hash, insert.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1]);

            var retrieve = await RunScriptAsync("study-retrieve-json.mjs", hash, "--bootstrap", bootstrap, "--timeout", "30000");
            Assert.True(retrieve.ExitCode == 0, retrieve.ToString());
            Assert.Contains("\"study\": \"limits\"", retrieve.StandardOutput, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    private static Task<ProcessResult> RunScriptAsync(string script, params string[] arguments) =>
        ProcessRunner.RunAsync("node", [Path.Combine(RepoPaths.Interop, script), .. arguments], RepoPaths.Interop, Limit);
}
