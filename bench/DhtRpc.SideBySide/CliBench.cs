using System.Diagnostics;
using System.Globalization;

namespace DhtRpc.SideBySide;

/// <summary>
/// Whole-process time of one-shot clients on a stable network: our native `dht lookup`, the same verb
/// through `dotnet dht.dll`, and Node running a dht-rpc client that joins and looks up (the same
/// work). Every command runs once per round, in turn, so that drift in the machine hits all alike.
/// </summary>
internal static class CliBench
{
    public static async Task<int> RunAsync(Args args)
    {
        var root = Orchestrator.FindRoot();
        await Orchestrator.EnsureNodeModulesAsync(root).ConfigureAwait(false);
        var rounds = args.Int("rounds", 21);
        var nodes = args.Int("nodes", 30);
        var native = args.Get("dht") ?? throw new ArgumentException("--dht PATH of the native dht (dotnet publish src/DhtRpc.Cli -c Release -o DIR) is required");
        var dll = args.Get("dht-dll") ?? Path.Combine(root, "src", "DhtRpc.Cli", "bin", "Release", "net10.0", "dht.dll");
        var started = new List<Process>();
        try
        {
            var boot = Orchestrator.Start([.. Orchestrator.Self("churn-host"), "--bootstrapper", "true"], redirectInput: true);
            started.Add(boot);
            var port = await Orchestrator.ReadReadyAsync(boot, TimeSpan.FromSeconds(60)).ConfigureAwait(false) ?? throw new InvalidOperationException("no bootstrapper");
            var bootstrap = $"127.0.0.1:{port}";
            var host = Orchestrator.Start([.. Orchestrator.Self("churn-host"), "--bootstrap", bootstrap, "--nodes", nodes.ToString(CultureInfo.InvariantCulture)], redirectInput: true);
            started.Add(host);
            _ = await Orchestrator.ReadReadyAsync(host, TimeSpan.FromSeconds(120)).ConfigureAwait(false) ?? throw new InvalidOperationException("no nodes");

            var commands = new (string Name, string[] Command)[]
            {
                ("native `dht lookup hello --json`", [native, "lookup", "hello", "--json", "--bootstrap", bootstrap]),
                ("native `dht lookup hello` (table)", [native, "lookup", "hello", "--bootstrap", bootstrap]),
                ("`dotnet dht.dll lookup hello --json`", ["dotnet", dll, "lookup", "hello", "--json", "--bootstrap", bootstrap]),
                ("node: dht-rpc client, join + findNode", ["node", Path.Combine(root, "bench", "js", "churn-client.mjs"), "--bootstrap", bootstrap]),
                ("baseline: native `dht --version`", [native, "--version"]),
                ("baseline: `node -e 0`", ["node", "-e", "0"]),
            };
            var times = commands.ToDictionary(c => c.Name, _ => new List<double>());
            for (var round = 0; round < rounds; round++)
            {
                foreach (var (name, command) in commands)
                {
                    times[name].Add(await TimeAsync(command).ConfigureAwait(false));
                }
            }

            var inv = CultureInfo.InvariantCulture;
            var text = Orchestrator.SectionHeader("One-shot client processes").AppendLine().AppendLine();
            text.AppendLine(inv, $"A stable network of {nodes} nodes and a bootstrapper (our processes); each command run {rounds} times, all commands in turn; wall time from spawn to exit.");
            text.AppendLine();
            text.AppendLine("| command | median (ms) | min | max | median / node client's |");
            text.AppendLine("|---|---:|---:|---:|---:|");
            var nodeMedian = Median(times[commands[3].Name]);
            foreach (var (name, _) in commands)
            {
                var list = times[name];
                text.AppendLine(inv, $"| {name} | {Median(list):0} | {list.Min():0} | {list.Max():0} | {Median(list) / nodeMedian:0.00} |");
            }

            text.AppendLine();
            foreach (var (name, _) in commands)
            {
                text.AppendLine(inv, $"- {name}: {string.Join(", ", times[name].Select(t => t.ToString("0", inv)))}");
            }

            Console.WriteLine(text);
            if (args.Get("out") is { Length: > 0 } outPath)
            {
                await File.AppendAllTextAsync(outPath, Environment.NewLine + text).ConfigureAwait(false);
            }

            return 0;
        }
        finally
        {
            foreach (var process in started)
            {
                Orchestrator.Stop(process);
                process.Dispose();
            }
        }
    }

    private static async Task<double> TimeAsync(string[] command)
    {
        var clock = Stopwatch.StartNew();
        using var process = Orchestrator.Start(command, redirectInput: false);
        var stderr = process.StandardError.ReadToEndAsync();
        _ = await process.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
        await process.WaitForExitAsync().ConfigureAwait(false);
        _ = await stderr.ConfigureAwait(false);
        return clock.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
