using System.Globalization;
using System.Text.RegularExpressions;

namespace DhtRpc.IntegrationTests.Cli;

/// <summary>`dht network --location` tags nodes in turn; warehouse verbs with --location choose the tagged warehouses first.</summary>
public sealed partial class CliLocationTests : IAsyncLifetime
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);
    private DhtCliProcess? _bootstrap;
    private DhtCliProcess? _network;
    private string _entry = "";

    public async ValueTask InitializeAsync()
    {
        var port = FreePorts.Udp().ToString(CultureInfo.InvariantCulture);
        _entry = "127.0.0.1:" + port;
        _bootstrap = DhtCliProcess.Start("bootstrap", "--host", "127.0.0.1", "--port", port);
        await _bootstrap.WaitForLineAsync(line => line == "ready", Limit);
        _network = DhtCliProcess.Start("network", "--nodes", "6", "--location", "eu-west,us-east", "--bootstrap", _entry, "--host", "127.0.0.1");
        await _network.WaitForLineAsync(line => line.StartsWith("ready", StringComparison.Ordinal), Limit);
    }

    public async ValueTask DisposeAsync()
    {
        if (_network is not null)
        {
            await _network.DisposeAsync();
        }

        if (_bootstrap is not null)
        {
            await _bootstrap.DisposeAsync();
        }
    }

    private Task<ProcessResult> RunAsync(params string[] arguments) => DhtCli.RunAsync(Limit, [.. arguments, "--bootstrap", _entry]);

    [Fact]
    public async Task Tags_are_given_in_turn_and_the_verbs_prefer_the_location_asked_for()
    {
        Assert.Contains("locations: eu-west on 3 node(s), us-east on 3 node(s)", _network!.Output, StringComparison.Ordinal);

        var stored = await RunAsync("warehouse", "store", "greeting", "hello", "--location", "eu-west");
        var got = await RunAsync("warehouse", "get", "greeting", "--location", "EU-WEST");
        var listed = await RunAsync("warehouse", "list", "--location", "us-east");
        var tagged = await RunAsync("warehouse", "list", "--all", "--location", "us-east");

        Assert.True(stored.ExitCode == 0, stored.ToString());
        var storedLine = stored.StandardOutput.Split('\n')[0];
        Assert.Equal(3, TagPattern().Count(storedLine));
        Assert.All(TagPattern().Matches(storedLine), m => Assert.Equal("eu-west", m.Groups[1].Value));
        Assert.True(got.ExitCode == 0, got.ToString());
        Assert.Equal("hello", got.StandardOutput.Trim());
        Assert.Matches(@"nearest holder: 127\.0\.0\.1:\d+ \(eu-west\)", got.StandardError);
        Assert.True(listed.ExitCode == 0, listed.ToString());
        Assert.Matches(@"listing 127\.0\.0\.1:\d+ \(us-east\), the fastest of 3 warehouses tagged 'us-east'", listed.StandardError);
        Assert.True(tagged.ExitCode == 0, tagged.ToString());
        Assert.Contains("0 items on 3 warehouses", tagged.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_location_nobody_has_falls_back_to_the_fastest_and_a_bad_tag_list_is_a_usage_error()
    {
        var listed = await RunAsync("warehouse", "list", "--location", "ap-south");
        var badList = await DhtCli.RunAsync(Limit, "network", "--nodes", "2", "--location", "eu-west,,us-east", "--bootstrap", _entry);
        var withNode = await RunAsync("warehouse", "get", "greeting", "--location", "eu-west", "--node", _entry);

        Assert.True(listed.ExitCode == 0, listed.ToString());
        Assert.Matches(@"no warehouse found is tagged 'ap-south'; listing the fastest of 6, 127\.0\.0\.1:\d+ \((eu-west|us-east)\)", listed.StandardError);
        Assert.Equal(2, badList.ExitCode);
        Assert.Equal("--location 'eu-west,,us-east' has an empty tag: give one tag (eu-west) or a comma-separated list (eu-west,us-east).", badList.StandardError.Trim());
        Assert.Equal(2, withNode.ExitCode);
    }

    [GeneratedRegex(@"127\.0\.0\.1:\d+ \(([a-z-]+)\)")]
    private static partial Regex TagPattern();
}
