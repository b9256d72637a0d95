using System.Diagnostics;
using System.Globalization;

namespace DhtRpc.SideBySide;

/// <summary>
/// Whole-process time of one-shot clients on a stable network of storage nodes: our native `dht`
/// verbs (lookup, put-json, get-json, ping), lookup through `dotnet dht.dll`, and Node running a
/// dht-rpc client doing the same work (join, then a findNode, a study insert or a study get). Every
/// command runs once per round, in turn, so that drift in the machine hits all alike.
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
            var host = Orchestrator.Start([.. Orchestrator.Self("churn-host"), "--bootstrap", bootstrap, "--nodes", nodes.ToString(CultureInfo.InvariantCulture), "--storage", "true"], redirectInput: true);
            started.Add(host);
            _ = await Orchestrator.ReadReadyAsync(host, TimeSpan.FromSeconds(120)).ConfigureAwait(false) ?? throw new InvalidOperationException("no nodes");

            var sample = Path.Combine(root, "data", "sample.json");
            var hash = await StoreSampleAsync(native, sample, bootstrap).ConfigureAwait(false);
            var client = Path.Combine(root, "bench", "js", "churn-client.mjs");
            const string NodeLookup = "node: dht-rpc client, join + findNode";
            const string NodePut = "node: join + study insert (1 KB)";
            const string NodeGet = "node: join + study get";
            var commands = new (string Name, string[] Command, string? Versus)[]
            {
                ("native `dht lookup hello --json`", [native, "lookup", "hello", "--json", "--bootstrap", bootstrap], NodeLookup),
                ("native `dht lookup hello` (table)", [native, "lookup", "hello", "--bootstrap", bootstrap], NodeLookup),
                ("`dotnet dht.dll lookup hello --json`", ["dotnet", dll, "lookup", "hello", "--json", "--bootstrap", bootstrap], NodeLookup),
                (NodeLookup, ["node", client, "--bootstrap", bootstrap], null),
                ("native `dht put-json sample.json --json`", [native, "put-json", sample, "--json", "--bootstrap", bootstrap], NodePut),
                (NodePut, ["node", client, "--bootstrap", bootstrap, "--put", "1", "--lookup", "false"], null),
                ("native `dht get-json HASH`", [native, "get-json", hash, "--bootstrap", bootstrap], NodeGet),
                (NodeGet, ["node", client, "--bootstrap", bootstrap, "--get", hash, "--lookup", "false"], null),
                ("native `dht ping BOOTSTRAP`", [native, "ping", bootstrap], null),
                ("baseline: native `dht --version`", [native, "--version"], null),
                ("baseline: `node -e 0`", ["node", "-e", "0"], null),
            };
            var times = commands.ToDictionary(c => c.Name, _ => new List<double>());
            for (var round = 0; round < rounds; round++)
            {
                foreach (var (name, command, _) in commands)
                {
                    times[name].Add(await TimeAsync(command).ConfigureAwait(false));
                }
            }

            var inv = CultureInfo.InvariantCulture;
            var text = Orchestrator.SectionHeader("One-shot client processes").AppendLine().AppendLine();
            text.AppendLine(inv, $"A stable network of {nodes} nodes and a bootstrapper (our processes); each command run {rounds} times, all commands in turn; wall time from spawn to exit.");
            text.AppendLine();
            text.AppendLine(inv, $"The get reads {Path.GetFileName(sample)} (stored once before the rounds as {hash[..16]}…); the Node put stores a 1 KB document, ours the sample.");
            text.AppendLine();
            text.AppendLine("| command | median (ms) | min | max | median / Node's for the same work |");
            text.AppendLine("|---|---:|---:|---:|---:|");
            foreach (var (name, _, versus) in commands)
            {
                var list = times[name];
                var ratio = versus is null ? "" : (Median(list) / Median(times[versus])).ToString("0.00", inv);
                text.AppendLine(inv, $"| {name} | {Median(list):0} | {list.Min():0} | {list.Max():0} | {ratio} |");
            }

            text.AppendLine();
            foreach (var (name, _, _) in commands)
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

    /// <summary>Stores the sample once with the native client; its hash is what the get rounds read.</summary>
    private static async Task<string> StoreSampleAsync(string native, string sample, string bootstrap)
    {
        using var process = Orchestrator.Start([native, "put-json", sample, "--json", "--bootstrap", bootstrap], redirectInput: false);
        var output = await process.StandardOutput.ReadToEndAsync().ConfigureAwait(false);
        await process.WaitForExitAsync().ConfigureAwait(false);
        using var json = System.Text.Json.JsonDocument.Parse(output);
        return json.RootElement.GetProperty("hash").GetString() ?? throw new InvalidOperationException("put-json printed no hash");
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
