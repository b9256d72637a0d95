using System.Globalization;
using System.Text.Json.Nodes;
using DhtRpc.IntegrationTests.Cli;

namespace DhtRpc.IntegrationTests.Interop;

/// <summary>
/// npm hyperdht 6.34.0 peers on a network whose bootstrap and nodes are ours, serving hyperdht's
/// family: connect (data both ways), announce/lookup, immutable and mutable put/get, in every trial;
/// and the same trials on a network of plain JS dht-rpc nodes as the control, in the same run: ours must
/// pass every trial and do no worse than the control.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class HyperDhtInteropTests
{
    private const int OurNodes = 30;
    private const int Trials = 10;
    private static readonly TimeSpan ScriptLimit = TimeSpan.FromMinutes(4);
    private static readonly TimeSpan ProcessLimit = TimeSpan.FromSeconds(60);
    private static readonly string[] Operations = ["connect", "announceLookup", "immutable", "mutable"];

    [Fact]
    public async Task Four_js_hyperdht_peers_among_30_of_our_nodes_connect_announce_and_put_in_every_trial_and_no_worse_than_among_js_nodes()
    {
        await NodeJs.EnsureReadyAsync();
        await using var network = await HyperDhtLoopbackNetwork.CreateAsync(OurNodes);

        var ours = await RunTrialsAsync("--bootstrap", network.Entry);
        var control = await RunTrialsAsync("--plain", OurNodes.ToString(CultureInfo.InvariantCulture));

        foreach (var operation in Operations)
        {
            var (passed, controlPassed) = (Passed(ours, operation), Passed(control, operation));
            TestContext.Current.SendDiagnosticMessage($"{operation}: ours {passed}/{Trials}, plain dht-rpc control {controlPassed}/{Trials}");
            Assert.True(passed == Trials, $"{operation}: {passed} of {Trials} trials passed among our nodes.\n{ours.Output}");
            Assert.True(passed >= controlPassed, $"{operation}: ours {passed}, control {controlPassed}");
        }

        var (announces, mutablePuts, immutablePuts, relayed) = network.Totals();
        Assert.True(announces >= Trials && mutablePuts >= Trials && immutablePuts >= Trials && relayed >= Trials,
            $"our nodes took too small a part: {announces} announces, {mutablePuts} mutable and {immutablePuts} immutable puts, {relayed} relayed messages in {Trials} trials");
    }

    [Fact]
    public async Task Js_hyperdht_peers_pass_every_trial_on_a_dht_network_started_with_protocol_hyperdht()
    {
        await NodeJs.EnsureReadyAsync();
        var port = FreePorts.Udp().ToString(CultureInfo.InvariantCulture);
        var entry = $"127.0.0.1:{port}";
        await using var boot = DhtCliProcess.Start("bootstrap", "--host", "127.0.0.1", "--port", port);
        await boot.WaitForLineAsync(line => line == "ready", ProcessLimit);
        await using var network = DhtCliProcess.Start("network", "--nodes", OurNodes.ToString(CultureInfo.InvariantCulture), "--protocol", "hyperdht", "--bootstrap", entry, "--host", "127.0.0.1");
        await network.WaitForLineAsync(line => line.StartsWith("ready", StringComparison.Ordinal), ProcessLimit);

        var ours = await RunTrialsAsync("--bootstrap", entry);

        foreach (var operation in Operations)
        {
            Assert.True(Passed(ours, operation) == Trials, $"{operation}: {Passed(ours, operation)} of {Trials} trials passed.\n{ours.Output}");
        }
    }

    [Fact]
    public async Task An_unknown_protocol_is_refused_in_one_sentence()
    {
        var result = await DhtCli.RunAsync(ProcessLimit, "network", "--nodes", "2", "--protocol", "bittorrent");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--protocol must be 'study' or 'hyperdht' (got 'bittorrent').", result.StandardError, StringComparison.Ordinal);
    }

    private static async Task<(JsonObject Summary, string Output)> RunTrialsAsync(params string[] network)
    {
        string[] arguments = ["hyperdht-trials.mjs", .. network, "--peers", "4", "--trials", Trials.ToString(CultureInfo.InvariantCulture)];
        var result = await ProcessRunner.RunAsync("node", arguments, RepoPaths.Interop, ScriptLimit);
        Assert.True(result.ExitCode == 0, result.ToString());
        var last = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        return (JsonNode.Parse(last)!["summary"]!.AsObject(), result.StandardOutput);
    }

    private static int Passed((JsonObject Summary, string Output) run, string operation) => run.Summary[operation]!.GetValue<int>();
}
