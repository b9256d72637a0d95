using System.Globalization;
using System.Text.Json;
using ScottPlot;

namespace DhtRpc.SideBySide;

/// <summary>
/// Memory per node, bootstrap time and lookup latency against the network size N, both
/// implementations, one swarm process per implementation and N (the same `swarm` processes as the
/// side-by-side table), drawn as curves.
/// </summary>
internal static class ScaleBench
{
    public static async Task<int> RunAsync(Args args)
    {
        var root = Orchestrator.FindRoot();
        await Orchestrator.EnsureNodeModulesAsync(root).ConfigureAwait(false);
        var sizes = (args.Get("sizes") ?? "100,500,1000,2000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var lookups = args.Int("lookups", 100);
        var timeout = TimeSpan.FromSeconds(args.Int("phase-timeout-s", 600));
        var results = new Dictionary<(string Impl, int N), JsonDocument?>();
        foreach (var n in sizes)
        {
            string[] swarm = ["--nodes", n.ToString(CultureInfo.InvariantCulture), "--lookups", lookups.ToString(CultureInfo.InvariantCulture), "--wave", "10", "--timeout-ms", ((long)timeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)];
            Console.Error.WriteLine($"[scale] {n} nodes");
            results[("ours", n)] = await Orchestrator.RunJsonAsync([.. Orchestrator.Self("swarm"), .. swarm], timeout).ConfigureAwait(false);
            results[("dht-rpc", n)] = await Orchestrator.RunJsonAsync(["node", "--expose-gc", Path.Combine(root, "bench", "js", "swarm.mjs"), .. swarm], timeout).ConfigureAwait(false);
        }

        var metrics = new (string Name, string Field, double Scale, string Format)[]
        {
            ("resident memory per node (KiB)", "rssPerNodeBytes", 1.0 / 1024, "0.0"),
            ("bootstrap time, waves of 10 (s)", "bootstrapSeconds", 1, "0.00"),
            ("lookup latency median (ms)", "lookupMedianMs", 1, "0.00"),
        };
        var inv = CultureInfo.InvariantCulture;
        var text = Orchestrator.SectionHeader("Against network size");
        text.AppendLine(inv, $". Each cell is one `swarm` process (as in the side-by-side table): N nodes in one process joining in waves of 10, RSS after a full collection minus the RSS with the bootstrapper alone, divided by N; then {lookups} findNode lookups of random targets.");
        text.AppendLine();
        text.AppendLine("| N | measurement | ours | dht-rpc | ours / theirs |");
        text.AppendLine("|---:|---|---:|---:|---:|");
        foreach (var n in sizes)
        {
            foreach (var (name, field, scale, format) in metrics)
            {
                var o = Orchestrator.Get(results[("ours", n)], field) * scale;
                var t = Orchestrator.Get(results[("dht-rpc", n)], field) * scale;
                text.AppendLine(inv, $"| {n:N0} | {name} | {Orchestrator.Fmt(o, format)} | {Orchestrator.Fmt(t, format)} | {(o is { } a && t is { } b && b > 0 ? (a / b).ToString("0.00", inv) : "n/a")} |");
            }
        }

        Console.WriteLine(text);
        if (args.Get("out") is { Length: > 0 } outPath)
        {
            await File.AppendAllTextAsync(outPath, Environment.NewLine + text).ConfigureAwait(false);
        }

        if (args.Get("plot") is { Length: > 0 } plotPath)
        {
            await File.WriteAllBytesAsync(plotPath, Render(results, sizes, metrics)).ConfigureAwait(false);
        }

        return 0;
    }

    private static byte[] Render(Dictionary<(string Impl, int N), JsonDocument?> results, int[] sizes, (string Name, string Field, double Scale, string Format)[] metrics)
    {
        var multiplot = new Multiplot();
        multiplot.AddPlots(metrics.Length);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        for (var m = 0; m < metrics.Length; m++)
        {
            var plot = multiplot.GetPlot(m);
            plot.Title(char.ToUpperInvariant(metrics[m].Name[0]) + metrics[m].Name[1..]);
            plot.XLabel("Nodes in the process (N)");
            var metric = metrics[m];
            ImplCurves.Add(plot, [.. sizes.Select(n => (double)n)], impl => [.. sizes.Select(n => (Orchestrator.Get(results[(impl, n)], metric.Field) ?? double.NaN) * metric.Scale)]);
        }

        using var image = multiplot.Render(1500, 450);
        return image.GetImageBytes(ImageFormat.Png);
    }
}
