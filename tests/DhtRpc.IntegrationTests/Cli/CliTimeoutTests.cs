using System.Globalization;
using System.Text.RegularExpressions;

namespace DhtRpc.IntegrationTests.Cli;

/// <summary>--timeout bounds a client verb; a verb whose requests mostly go unanswered says the network may have lost nodes.</summary>
public sealed class CliTimeoutTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);
    private static readonly Regex Hint = new(@"^(\d+) of (\d+) requests to other nodes got no answer: the network may have lost nodes \(nodes that stopped stay in routing tables for a while\)\.$", RegexOptions.Multiline);

    [Fact]
    public async Task On_a_network_whose_nodes_stopped_the_limit_ends_the_verb_and_the_hint_says_why_it_was_slow()
    {
        var (bootstrap, entry) = await StoppedNetworkAsync();
        await using var running = bootstrap;

        var results = await Task.WhenAll(
            DhtCli.RunAsync(Limit, "lookup", "hello", "--timeout", "1", "--bootstrap", entry),
            DhtCli.RunAsync(Limit, "lookup", "hello", "--bootstrap", entry));
        var (bounded, unbounded) = (results[0], results[1]);

        Assert.True(bounded.ExitCode == 1, bounded.ToString());
        Assert.Contains("Gave up after 1 s (--timeout): the network did not answer in time.", bounded.StandardError.Split('\n'));
        Assert.Equal("", bounded.StandardOutput);
        Assert.True(unbounded.ExitCode == 0, unbounded.ToString());
        var hint = Hint.Match(unbounded.StandardError);
        Assert.True(hint.Success, unbounded.ToString());
        Assert.True(int.Parse(hint.Groups[1].Value, CultureInfo.InvariantCulture) >= 8, unbounded.ToString());
        Assert.Contains("1 nodes answered", unbounded.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_ping_to_a_silent_port_gives_up_at_the_limit_and_a_bad_limit_is_a_usage_error()
    {
        var silent = "127.0.0.1:" + FreePorts.Udp().ToString(CultureInfo.InvariantCulture);

        var ping = await DhtCli.RunAsync(Limit, "ping", silent, "--timeout", "0.5");
        var bad = await DhtCli.RunAsync(Limit, "lookup", "hello", "--timeout", "-3", "--bootstrap", silent);

        Assert.Equal(1, ping.ExitCode);
        Assert.Equal("Gave up after 0.5 s (--timeout): the network did not answer in time.", ping.StandardError.Trim());
        Assert.Equal(2, bad.ExitCode);
        Assert.Equal("--timeout must be a number of seconds above 0 and at most 86400 (got -3).", bad.StandardError.Trim());
    }

    [Fact]
    public async Task A_healthy_network_gets_no_hint()
    {
        var port = FreePorts.Udp().ToString(CultureInfo.InvariantCulture);
        var entry = "127.0.0.1:" + port;
        await using var bootstrap = DhtCliProcess.Start("bootstrap", "--host", "127.0.0.1", "--port", port);
        await bootstrap.WaitForLineAsync(line => line == "ready", Limit);
        await using var network = DhtCliProcess.Start("network", "--nodes", "8", "--bootstrap", entry, "--host", "127.0.0.1");
        await network.WaitForLineAsync(line => line.StartsWith("ready", StringComparison.Ordinal), Limit);

        var lookup = await DhtCli.RunAsync(Limit, "lookup", "hello", "--timeout", "30", "--bootstrap", entry);

        Assert.True(lookup.ExitCode == 0, lookup.ToString());
        Assert.Equal("", lookup.StandardError);
        Assert.Contains("9 nodes answered", lookup.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_a_terminal_a_slow_lookup_draws_a_progress_line_and_with_json_it_does_not()
    {
        var (bootstrap, entry) = await StoppedNetworkAsync();
        await using var running = bootstrap;

        // script(1) gives the verb a terminal for stdout and stderr, as an interactive shell would.
        var shown = await OnTerminalAsync("lookup", "hello", "--bootstrap", entry);
        var quiet = await OnTerminalAsync("lookup", "hello", "--bootstrap", entry, "--json");

        Assert.True(shown.ExitCode == 0, shown.ToString());
        Assert.Matches(@"waiting 1 s: \d+ answers, \d+ requests unanswered, \d+ in flight", shown.StandardOutput);
        Assert.True(quiet.ExitCode == 0, quiet.ToString());
        Assert.DoesNotContain("waiting", quiet.StandardOutput, StringComparison.Ordinal);
    }

    /// <summary>A bootstrap that still lists the 16 nodes of a network that was just killed.</summary>
    private static async Task<(DhtCliProcess Bootstrap, string Entry)> StoppedNetworkAsync()
    {
        var port = FreePorts.Udp().ToString(CultureInfo.InvariantCulture);
        var entry = "127.0.0.1:" + port;
        var bootstrap = DhtCliProcess.Start("bootstrap", "--host", "127.0.0.1", "--port", port);
        await bootstrap.WaitForLineAsync(line => line == "ready", Limit);
        await using (var network = DhtCliProcess.Start("network", "--nodes", "16", "--bootstrap", entry, "--host", "127.0.0.1"))
        {
            await network.WaitForLineAsync(line => line.StartsWith("ready", StringComparison.Ordinal), Limit);
        }

        return (bootstrap, entry);
    }

    private static Task<ProcessResult> OnTerminalAsync(params string[] arguments)
    {
        var command = string.Join(' ', new[] { DhtCli.DotnetHost, DhtCli.DllPath }.Concat(arguments).Select(a => "'" + a.Replace("'", "'\\''", StringComparison.Ordinal) + "'"));
        return ProcessRunner.RunAsync("script", ["-qec", command, "/dev/null"], RepoPaths.Root, Limit, DhtCli.ChildEnvironment());
    }
}
