using System.Diagnostics;

namespace DhtRpc.Cli.Simulate;

/// <summary>Runs a churn experiment and renders it as markdown: one row per virtual minute, then the whole run.</summary>
internal static class ChurnReport
{
    public static ChurnRun Run(ScaleOptions options, ChurnOptions churn, TextWriter output)
    {
        var total = Stopwatch.StartNew();
        var experiment = new ScaleExperiment(options);
        output.WriteLine(FormattableString.Invariant($"## dht simulate: {options.Nodes} nodes, {churn.PercentPerMinute * 100:0.##}% replaced per minute"));
        output.WriteLine();
        output.WriteLine(ScaleExperiment.Describe(options));
        output.WriteLine(FormattableString.Invariant(
            $"Then for {churn.Duration.TotalMinutes:0.##} virtual minutes, every second: {churn.PercentPerMinute * 100 / 60:0.###}% of the live nodes leave without a word (offline, then disposed), as many new nodes start joining (each seeded with {options.SeedPeers} random live nodes), and lookups start ({churn.Lookups} in all, evenly spread) from a random joined live node toward another one's id."));
        output.WriteLine();
        output.Flush();
        var build = experiment.Build();
        output.WriteLine(FormattableString.Invariant(
            $"Built in {build.Wall.TotalSeconds:F1} s wall, {build.VirtualTime.TotalSeconds:F1} s virtual; mean routing table {build.MeanTableSize:F0} nodes."));
        output.WriteLine();
        output.Flush();

        var run = experiment.RunChurn(churn);
        output.WriteLine("| minute | live at end | left | joined | lookups | counted | success | mean hops | p90 hops | median virtual (ms) | p90 virtual (ms) | unanswered / lookup |");
        output.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var minute in run.Minutes)
        {
            var of = run.Lookups.Where(l => l.Minute == minute.Minute).ToList();
            output.WriteLine(FormattableString.Invariant($"| {minute.Minute + 1} | {minute.Live} | {minute.Left} | {minute.Joined} | {Row(of)} |"));
        }

        output.WriteLine(FormattableString.Invariant(
            $"| all | {run.Minutes[^1].Live} | {run.Minutes.Sum(m => m.Left)} | {run.Minutes.Sum(m => m.Joined)} | {Row(run.Lookups)} |"));
        output.WriteLine();
        output.WriteLine("Counted: lookups whose origin and target were both still live when it ended (success, hops and times are over those). Success: the closest reply came from the target itself. Virtual: simulated time from the lookup's start to its end. Unanswered: nodes the lookup asked that never answered (the departed).");
        output.WriteLine(FormattableString.Invariant(
            $"Churn run: {run.Wall.TotalSeconds:F1} s wall, {run.Datagrams:N0} datagrams; whole run {total.Elapsed.TotalSeconds:F1} s wall, peak working set {run.PeakWorkingSetBytes / 1048576.0:F0} MiB."));
        output.Flush();
        return run;
    }

    private static string Row(IReadOnlyList<ChurnLookup> lookups)
    {
        var counted = lookups.Where(l => l.Counted).ToList();
        if (counted.Count == 0)
        {
            return FormattableString.Invariant($"{lookups.Count} | 0 | - | - | - | - | - | -");
        }

        var hops = counted.Select(l => (double)l.Hops).Order().ToList();
        var times = counted.Select(l => l.VirtualTime.TotalMilliseconds).Order().ToList();
        return FormattableString.Invariant(
            $"{lookups.Count} | {counted.Count} | {counted.Count(l => l.Found) / (double)counted.Count:0.000} | {hops.Average():F2} | {ScaleExperiment.Percentile(hops, 0.9):0.#} | {ScaleExperiment.Percentile(times, 0.5):F0} | {ScaleExperiment.Percentile(times, 0.9):F0} | {counted.Average(l => l.Unanswered):F1}");
    }
}
