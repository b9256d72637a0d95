using System.Globalization;
using System.Net;
using System.Net.Sockets;
using DhtRpc.IntegrationTests.Interop;

namespace DhtRpc.IntegrationTests.Cli;

/// <summary>User mistakes give one sentence and a non-zero exit; the demo runs by itself; a node with --data comes back.</summary>
[Collection(InteropCollection.Name)]
public sealed class CliVerbTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task MalformedHashIsAUsageError()
    {
        var result = await DhtCli.RunAsync(Limit, "get-json", "fe55bb60");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("'fe55bb60' is not a 64-character hex hash.", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingJsonFileIsNamed()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"dht-missing-{Guid.NewGuid():N}.json");
        var result = await DhtCli.RunAsync(Limit, "put-json", missing);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains(missing, result.StandardError, StringComparison.Ordinal);
        Assert.Contains("does not exist", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidJsonFileGivesTheParseErrorPosition()
    {
        var file = Path.Combine(Path.GetTempPath(), $"dht-bad-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, "{\n  \"a\": 1,\n}\n");
        try
        {
            var result = await DhtCli.RunAsync(Limit, "put-json", file);
            Assert.Equal(1, result.ExitCode);
            Assert.Contains("is not valid JSON", result.StandardError, StringComparison.Ordinal);
            Assert.Contains("line 3, column 1", result.StandardError, StringComparison.Ordinal);
            Assert.Single(CliStorageTests.Lines(result.StandardError));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task JsonWithAByteOrderMarkIsRejectedAsJavaScriptRejectsIt()
    {
        var file = Path.Combine(Path.GetTempPath(), $"dht-bom-{Guid.NewGuid():N}.json");
        await File.WriteAllBytesAsync(file, [0xEF, 0xBB, 0xBF, .. "{\"a\":1}"u8.ToArray()]);
        try
        {
            var result = await DhtCli.RunAsync(Limit, "put-json", file);
            Assert.Equal(1, result.ExitCode);
            Assert.Contains("line 1, column 1", result.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task UnreachableBootstrapIsReportedWithTheAddressTried()
    {
        var bootstrap = $"127.0.0.1:{FreePorts.Udp().ToString(CultureInfo.InvariantCulture)}";
        var result = await DhtCli.RunAsync(TimeSpan.FromSeconds(30), "put-json", CliStorageTests.SamplePath, "--bootstrap", bootstrap);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains(bootstrap, result.StandardError, StringComparison.Ordinal);
        Assert.Contains("did not answer", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NodeOnAPortInUseSaysItCannotBind()
    {
        using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        taken.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)taken.LocalEndPoint!).Port;
        await using var boot = DhtCliProcess.Start("bootstrap", "--host", "127.0.0.1", "--port", Text(FreePorts.Udp()));
        var line = await boot.WaitForLineAsync(l => l.StartsWith("bootstrap listening on ", StringComparison.Ordinal), StartLimit);
        var bootstrap = line.Split(' ')[3];

        var result = await DhtCli.RunAsync(Limit, "node", "--host", "127.0.0.1", "--port", Text(port), "--bootstrap", bootstrap);
        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("bind", result.StandardError, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("ready", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SimulateAddsItsRowsBesideOlderOnesAndChartsOnlyItsOwnTableMode()
    {
        var directory = Directory.CreateTempSubdirectory("dht-simulate-");
        try
        {
            // A row from before the tables column existed: a joined-tables run of the same N and gone share.
            var csv = Path.Combine(directory.FullName, "sim.csv");
            const string oldRow = "40,0,5,1,9.5,9,9,50,500,1.0,0.1,10,1000,20,0,1";
            await File.WriteAllTextAsync(csv, "nodes,gone,lookups,success_rate,mean_hops,median_hops,p90_hops,mean_requests,mean_datagrams,expected_hops,lookup_wall_s,lookup_virtual_s,peak_working_set_bytes,latency_ms,loss,seed\n" + oldRow + "\n");
            var png = Path.Combine(directory.FullName, "sim.png");

            var result = await DhtCli.RunAsync(TimeSpan.FromSeconds(120), "simulate", "--nodes", "40", "--lookups", "5", "--csv", csv, "--png", png);

            Assert.True(result.ExitCode == 0, result.ToString());
            var rows = (await File.ReadAllLinesAsync(csv)).Skip(1).ToList();
            Assert.Contains(oldRow + ",joined", rows);
            var converged = Assert.Single(rows, r => r.EndsWith(",converged", StringComparison.Ordinal));
            Assert.StartsWith("40,0,5,", converged, StringComparison.Ordinal);
            Assert.Contains("Chart (converged tables only)", result.StandardOutput, StringComparison.Ordinal);
            Assert.True(new FileInfo(png).Length > 100);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task SimulateWritesIntoTheCurrentFolderUnlessOutNamesAnother()
    {
        var directory = Directory.CreateTempSubdirectory("dht-simulate-out-");
        try
        {
            var here = await DhtCli.RunInAsync(directory.FullName, TimeSpan.FromSeconds(120), "simulate", "--nodes", "20", "--lookups", "2");
            Assert.True(here.ExitCode == 0, here.ToString());
            Assert.True(File.Exists(Path.Combine(directory.FullName, "simulate.csv")), here.ToString());
            Assert.True(File.Exists(Path.Combine(directory.FullName, "simulate.png")), here.ToString());
            Assert.False(Directory.Exists(Path.Combine(directory.FullName, "docs")));

            var there = await DhtCli.RunInAsync(directory.FullName, TimeSpan.FromSeconds(120), "simulate", "--nodes", "20", "--lookups", "2", "--out", "figures");
            Assert.True(there.ExitCode == 0, there.ToString());
            Assert.Equal(2, File.ReadAllLines(Path.Combine(directory.FullName, "figures", "simulate.csv")).Length);
            Assert.True(new FileInfo(Path.Combine(directory.FullName, "figures", "simulate.png")).Length > 100);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task DemoFinishesByItselfWithASuccessLine()
    {
        var result = await DhtCli.RunAsync(TimeSpan.FromSeconds(120), "demo", "--nodes", "24");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(CliStorageTests.SampleHash, result.StandardOutput, StringComparison.Ordinal);
        Assert.Contains(CliStorageTests.Lines(result.StandardOutput), l => l.StartsWith("success:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NodeWithDataServesWhatItStoredAfterARestartWithoutItsBootstrap()
    {
        var data = Path.Combine(Path.GetTempPath(), $"dht-node-{Guid.NewGuid():N}");
        try
        {
            var nodePort = Text(FreePorts.Udp());
            var nodeAddress = $"127.0.0.1:{nodePort}";
            var boot = DhtCliProcess.Start("bootstrap", "--host", "127.0.0.1", "--port", Text(FreePorts.Udp()));
            string bootstrap;
            await using (boot)
            {
                bootstrap = (await boot.WaitForLineAsync(l => l.StartsWith("bootstrap listening on ", StringComparison.Ordinal), StartLimit)).Split(' ')[3];
                await boot.WaitForLineAsync(l => l == "ready", StartLimit);
                await using var network = DhtCliProcess.Start("network", "--nodes", "8", "--bootstrap", bootstrap, "--host", "127.0.0.1");
                await network.WaitForLineAsync(l => l.StartsWith("ready", StringComparison.Ordinal), StartLimit);

                var first = DhtCliProcess.Start("node", "--host", "127.0.0.1", "--port", nodePort, "--bootstrap", bootstrap, "--data", data, "--location", "test-lab");
                await using (first)
                {
                    await first.WaitForLineAsync(l => l.StartsWith($"ready {nodeAddress} id ", StringComparison.Ordinal), StartLimit);
                    var store = await DhtCli.RunAsync(Limit, "warehouse", "store", "kept", "still here", "--node", nodeAddress, "--bootstrap", bootstrap);
                    Assert.True(store.ExitCode == 0, store.ToString());
                    Assert.Equal(0, await first.TerminateAsync(Limit));
                }

                // The bootstrap goes away; the network stays. The node must rejoin through the peers it remembered.
                Assert.Equal(0, await boot.TerminateAsync(Limit));

                var second = DhtCliProcess.Start("node", "--host", "127.0.0.1", "--port", nodePort, "--bootstrap", bootstrap, "--data", data, "--verbose");
                await using (second)
                {
                    await second.WaitForLineAsync(l => l.StartsWith($"ready {nodeAddress} id ", StringComparison.Ordinal), StartLimit);
                    Assert.Contains("remember", second.Output, StringComparison.Ordinal);

                    var get = await DhtCli.RunAsync(Limit, "warehouse", "get", "kept", "--node", nodeAddress, "--bootstrap", nodeAddress);
                    Assert.True(get.ExitCode == 0, get.ToString());
                    Assert.Equal("still here", CliStorageTests.Lines(get.StandardOutput)[^1]);

                    var lookup = await DhtCli.RunAsync(Limit, "lookup", "anything", "--json", "--bootstrap", nodeAddress);
                    Assert.True(lookup.ExitCode == 0, lookup.ToString());
                    Assert.Contains("\"nodes\":[{", lookup.StandardOutput, StringComparison.Ordinal);
                    Assert.Equal(0, await second.TerminateAsync(Limit));
                }

                Assert.Equal(0, await network.TerminateAsync(Limit));
            }
        }
        finally
        {
            if (Directory.Exists(data))
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
