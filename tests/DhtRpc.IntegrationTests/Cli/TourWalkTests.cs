using System.Globalization;
using System.Text;
using DhtRpc.IntegrationTests.Interop;

namespace DhtRpc.IntegrationTests.Cli;

/// <summary>
/// Walks docs/tour.md as a reader would: every `dht` line of its sh blocks, in order, run with the tour's
/// ports moved to free ones and --host 127.0.0.1 added (long-running verbs started and awaited until ready,
/// the rest run to their exit code), with the steps the prose asks for in between (stop the bootstrap,
/// restart a node). A tour line that changes or is added must change this walk too.
/// </summary>
[Collection(InteropCollection.Name)]
public sealed class TourWalkTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(120);
    private readonly Dictionary<string, string> _ports = new(StringComparer.Ordinal);
    private readonly List<DhtCliProcess> _running = [];
    private Queue<string> _tour = new();
    private string _data = "";

    [Fact]
    public async Task Every_command_of_the_tour_runs_as_the_tour_says()
    {
        _tour = new Queue<string>(TourCommandTests.TourCommands());
        foreach (var port in new[] { "10001", "10002", "40001" })
        {
            _ports[port] = FreePorts.UdpOutsideEphemeralRange().ToString(CultureInfo.InvariantCulture);
        }

        _data = Directory.CreateTempSubdirectory("dht-tour-").FullName;
        try
        {
            await WalkAsync();
        }
        finally
        {
            foreach (var process in _running)
            {
                await process.DisposeAsync();
            }

            Directory.Delete(_data, recursive: true);
        }
    }

    private async Task WalkAsync()
    {
        // 1-2: the demo, then terminal 1's bootstrap, restarted with --verbose as the tour suggests.
        await RunAsync("dht demo");
        var bootstrap = await StartAsync("dht bootstrap");
        Assert.Equal(0, await bootstrap.TerminateAsync(Limit));
        bootstrap = await StartAsync("dht bootstrap --verbose");
        await StartAsync("dht node --verbose");
        Assert.Contains("FIND_NODE", bootstrap.Output, StringComparison.Ordinal);

        // 3-4: a network, JSON in and out, warehouses.
        await StartAsync("dht network --nodes 63");
        await RunAsync("dht put-json data/sample.json");
        var json = await RunAsync("dht get-json fe55bb60efb0b18d59e644a55263b4be25d8c5217dfd55a7d18eb37f5958a494");
        Assert.Contains("\"", json.StandardOutput, StringComparison.Ordinal);
        await RunAsync("dht warehouse store greeting \"hello\"");
        Assert.Contains("hello", (await RunAsync("dht warehouse get greeting")).StandardOutput, StringComparison.Ordinal);
        await RunAsync("dht warehouse list --all");
        await RunAsync("dht warehouse stats greeting");
        await RunAsync("dht warehouse delete greeting");

        // 5: locations.
        await StartAsync("dht network --nodes 30 --location eu-west,us-east");
        await RunAsync("dht warehouse list --location us-east");
        await RunAsync("dht warehouse list --all --location us-east");
        await RunAsync("dht warehouse store greeting \"hello\" --location eu-west");
        Assert.Contains("hello", (await RunAsync("dht warehouse get greeting --location eu-west")).StandardOutput, StringComparison.Ordinal);

        // 6: the bootstrap goes away; a client told only about it gives up, a new node cannot join.
        Assert.Equal(0, await bootstrap.TerminateAsync(Limit));
        await RunAsync("dht lookup hello --timeout 5", expectedExit: 1);
        var lonely = await RunAsync("dht node", expectedExit: 1);
        Assert.Contains("did not answer", lonely.StandardError, StringComparison.Ordinal);

        // 7: a node with --data, stopped while the bootstrap is up, restarts with the bootstrap down.
        bootstrap = await StartAsync("dht bootstrap", consume: false);
        var remembering = await StartAsync("dht node --data ./n1 --port 40001");
        Assert.Equal(0, await remembering.TerminateAsync(Limit));
        Assert.Equal(0, await bootstrap.TerminateAsync(Limit));
        var restarted = await StartAsync("dht node --data ./n1 --port 40001 --verbose");
        Assert.Contains("remember", restarted.Output, StringComparison.Ordinal);

        // 8: two bootstraps and a network joining through both.
        await StartAsync("dht bootstrap --port 10001");
        await StartAsync("dht bootstrap --port 10002");
        await StartAsync("dht network --nodes 30 --bootstrap 127.0.0.1:10001,127.0.0.1:10002");
        Assert.Empty(_tour);
    }

    /// <summary>Takes the tour's next command, which must be <paramref name="line"/>, and runs it to its exit code.</summary>
    private async Task<ProcessResult> RunAsync(string line, int expectedExit = 0)
    {
        var result = await DhtCli.RunAsync(Limit, Arguments(Take(line)));
        Assert.True(result.ExitCode == expectedExit, $"`{line}` exited {result.ExitCode}, the tour expects {expectedExit}\n{result}");
        return result;
    }

    /// <summary>Starts the tour's next command (or <paramref name="line"/> again, unconsumed) and waits for its ready line.</summary>
    private async Task<DhtCliProcess> StartAsync(string line, bool consume = true)
    {
        var process = DhtCliProcess.Start(Arguments(consume ? Take(line) : line));
        _running.Add(process);
        await process.WaitForLineAsync(l => l.StartsWith("ready", StringComparison.Ordinal), Limit);
        return process;
    }

    private string Take(string line)
    {
        Assert.True(_tour.Count > 0, $"the tour has no more commands; the walk expects `{line}`");
        Assert.Equal(line, _tour.Dequeue());
        return line;
    }

    /// <summary>The tour line as arguments: its ports moved, ./n1 in a temporary folder, loopback and the bootstrap made explicit.</summary>
    private string[] Arguments(string line)
    {
        var words = Split(line).Skip(1).Select(w => w == "./n1" ? Path.Combine(_data, "n1") : _ports.Aggregate(w, (current, p) => current.Replace(p.Key, p.Value, StringComparison.Ordinal))).ToList();
        var verb = words[0];
        if (verb is "bootstrap" or "node" or "network" && !words.Contains("--host"))
        {
            words.AddRange(["--host", "127.0.0.1"]);
        }

        if (verb == "bootstrap" && !words.Contains("--port"))
        {
            words.AddRange(["--port", _ports["10001"]]);
        }

        if (verb is not ("bootstrap" or "demo") && !words.Contains("--bootstrap"))
        {
            words.AddRange(["--bootstrap", $"127.0.0.1:{_ports["10001"]}"]);
        }

        return [.. words];
    }

    /// <summary>Words of a shell line, double quotes grouping and removed.</summary>
    private static List<string> Split(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var quoted = false;
        foreach (var c in line)
        {
            if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == ' ' && !quoted)
            {
                if (word.Length > 0)
                {
                    words.Add(word.ToString());
                    word.Clear();
                }
            }
            else
            {
                word.Append(c);
            }
        }

        if (word.Length > 0)
        {
            words.Add(word.ToString());
        }

        return words;
    }
}
