using System.Globalization;
using System.Text.Json;
using ScottPlot;

namespace DhtRpc.SideBySide;

/// <summary>
/// Storage throughput against the number of concurrent clients: the `storage` processes of both
/// implementations (the side-by-side table's (e)) with --clients C, every C in each round, in turn,
/// so that drift in the machine hits all alike; medians of the rounds, every round shown, two curves.
/// </summary>
internal static class StorageBench
{
    public static async Task<int> RunAsync(Args args)
    {
        var root = Orchestrator.FindRoot();
        await Orchestrator.EnsureNodeModulesAsync(root).ConfigureAwait(false);
        var counts = (args.Get("clients") ?? "1,4,16").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var rounds = args.Int("rounds", 3);
        var ops = args.Int("ops", 200);
        var nodes = args.Int("nodes", 30);
        var size = args.Int("size", 1024);
        var timeout = TimeSpan.FromSeconds(args.Int("phase-timeout-s", 300));
        var inv = CultureInfo.InvariantCulture;
        var runs = new Dictionary<(string Impl, int Clients), List<JsonDocument>>();
        for (var round = 0; round < rounds; round++)
        {
            foreach (var clients in counts)
            {
                string[] common = ["--nodes", nodes.ToString(inv), "--ops", ops.ToString(inv), "--size", size.ToString(inv), "--clients", clients.ToString(inv), "--timeout-ms", ((long)timeout.TotalMilliseconds).ToString(inv)];
                Console.Error.WriteLine($"[storage] round {round + 1}, {clients} clients");
                foreach (var (impl, command) in new[] { ("ours", Orchestrator.Self("storage")), ("dht-rpc", ["node", Path.Combine(root, "bench", "js", "storage.mjs")]) })
                {
                    if (await Orchestrator.RunJsonAsync([.. command, .. common], timeout).ConfigureAwait(false) is { } run)
                    {
                        var key = (impl, clients);
                        runs[key] = runs.GetValueOrDefault(key) ?? [];
                        runs[key].Add(run);
                    }
                }
            }
        }

        var text = Orchestrator.SectionHeader("Storage with concurrent clients");
        text.AppendLine(inv, $". Per implementation and client count, one `storage` process: {nodes} storage nodes in memory and a bootstrapper, C ephemeral clients in the same process, each taking the next of {ops} JSON documents of {size} B as soon as it is free (puts), then the next key (gets, each checked against its hash); {rounds} rounds, all counts in turn; medians.");
        text.AppendLine();
        text.AppendLine("| clients | measurement | ours | dht-rpc | ours / theirs |");
        text.AppendLine("|---:|---|---:|---:|---:|");
        foreach (var clients in counts)
        {
            foreach (var (name, field) in new[] { ("puts/s", "putsPerSecond"), ("gets/s", "getsPerSecond") })
            {
                var o = Median(runs.GetValueOrDefault(("ours", clients)), field);
                var t = Median(runs.GetValueOrDefault(("dht-rpc", clients)), field);
                text.AppendLine(inv, $"| {clients} | {name} | {Orchestrator.Fmt(o, "N0")} | {Orchestrator.Fmt(t, "N0")} | {(o is { } a && t is { } b && b > 0 ? (a / b).ToString("0.00", inv) : "n/a")} |");
            }
        }

        text.AppendLine();
        foreach (var ((impl, clients), list) in runs.OrderBy(r => r.Key.Clients).ThenBy(r => r.Key.Impl, StringComparer.Ordinal))
        {
            text.AppendLine(inv, $"- {impl}, {clients} clients, puts/s then gets/s (failures) per round: {string.Join("; ", list.Select(d => $"{Orchestrator.Fmt(Orchestrator.Get(d, "putsPerSecond"), "N0")} / {Orchestrator.Fmt(Orchestrator.Get(d, "getsPerSecond"), "N0")} ({Orchestrator.Get(d, "putFailures") ?? 0:0}+{Orchestrator.Get(d, "getFailures") ?? 0:0})"))}");
        }

        Console.WriteLine(text);
        if (args.Get("out") is { Length: > 0 } outPath)
        {
            await File.AppendAllTextAsync(outPath, Environment.NewLine + text).ConfigureAwait(false);
        }

        if (args.Get("plot") is { Length: > 0 } plotPath)
        {
            await File.WriteAllBytesAsync(plotPath, Render(runs, counts)).ConfigureAwait(false);
        }

        return 0;
    }

    private static double? Median(List<JsonDocument>? runs, string field)
    {
        var values = (runs ?? []).Select(r => Orchestrator.Get(r, field)).OfType<double>().Order().ToList();
        return values.Count == 0 ? null : values[values.Count / 2];
    }

    private static byte[] Render(Dictionary<(string Impl, int Clients), List<JsonDocument>> runs, int[] counts)
    {
        var multiplot = new Multiplot();
        multiplot.AddPlots(2);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        foreach (var (index, title, field) in new[] { (0, "JSON puts/s against concurrent clients", "putsPerSecond"), (1, "JSON gets/s against concurrent clients", "getsPerSecond") })
        {
            var plot = multiplot.GetPlot(index);
            plot.Title(title);
            plot.XLabel("Concurrent clients");
            plot.YLabel(field == "putsPerSecond" ? "Puts per second (median)" : "Gets per second (median)");
            ImplCurves.Add(plot, [.. counts.Select(c => (double)c)], impl => [.. counts.Select(c => Median(runs.GetValueOrDefault((impl, c)), field) ?? double.NaN)]);
        }

        using var image = multiplot.Render(1200, 450);
        return image.GetImageBytes(ImageFormat.Png);
    }
}
