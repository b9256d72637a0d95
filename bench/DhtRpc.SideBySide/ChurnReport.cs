using System.Globalization;

namespace DhtRpc.SideBySide;

/// <summary>The churn measurement as markdown: one table of medians and p90s, then every sample.</summary>
internal static class ChurnReport
{
    public static string Render(Dictionary<(string Impl, int Share), List<ChurnSample>> results, int[] shares, int nodes, int processes, int lookups, TimeSpan settle, Args args)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = Orchestrator.SectionHeader("Lookups after churn").AppendLine().AppendLine();
        text.AppendLine(inv, $"Per implementation and churn share, a new network: a bootstrapper process, {nodes} nodes (`ephemeral: false`) in {processes} processes, {settle.TotalSeconds:0.#} s to settle, then the given share of those processes killed with SIGKILL and, right after, {lookups} fresh client processes one after the other, each joining through the bootstrapper (ephemeral, as a one-shot client is) and running one FIND_NODE of a random target. *Lookup* is the FIND_NODE alone, *join* the time to `fullyBootstrapped`, *process* the client's whole life from spawn to exit. A lookup counts as found when it ended with at least one closest reply.");
        if (results.Values.Any(list => list.Any(s => s.GetFound is not null)))
        {
            text.AppendLine();
            text.AppendLine("Gets (`--gets true`): every node is a storage node (ours: `StorageNode` in memory; dht-rpc: the study's store, command 0 with a token, command 1 to read); before the kill one client stores a 1 KiB JSON document per lookup, and each fresh client, after its lookup, gets one of them, checked against its hash.");
        }

        text.AppendLine();
        text.AppendLine("| killed | measurement | ours | dht-rpc | ours / theirs |");
        text.AppendLine("|---:|---|---:|---:|---:|");
        foreach (var share in shares)
        {
            var ours = results.GetValueOrDefault(("ours", share)) ?? [];
            var theirs = results.GetValueOrDefault(("dht-rpc", share)) ?? [];
            void Row(string name, Func<ChurnSample, double?> pick, double p)
            {
                var o = Percentile(ours.Select(pick), p);
                var t = Percentile(theirs.Select(pick), p);
                text.AppendLine(inv, $"| {share}% | {name} (ms) | {Orchestrator.Fmt(o, "N0")} | {Orchestrator.Fmt(t, "N0")} | {(o is { } a && t is { } b && b > 0 ? (a / b).ToString("0.00", inv) : "n/a")} |");
            }

            Row("lookup median", s => s.LookupMs, 0.5);
            Row("lookup p90", s => s.LookupMs, 0.9);
            Row("join median", s => s.JoinMs, 0.5);
            Row("join p90", s => s.JoinMs, 0.9);
            Row("client process median", s => s.ProcessMs, 0.5);
            text.AppendLine(inv, $"| {share}% | lookups that found nodes | {ours.Count(s => s.Found)}/{ours.Count} | {theirs.Count(s => s.Found)}/{theirs.Count} | |");
            if (ours.Concat(theirs).Any(s => s.GetFound is not null))
            {
                Row("get median", s => s.GetMs, 0.5);
                Row("get p90", s => s.GetMs, 0.9);
                text.AppendLine(inv, $"| {share}% | gets that found the document | {ours.Count(s => s.GetFound == true)}/{ours.Count} | {theirs.Count(s => s.GetFound == true)}/{theirs.Count} | |");
            }
        }

        text.AppendLine();
        text.AppendLine("Every sample, in order (lookup ms / join ms / process ms / closest replies):");
        text.AppendLine();
        foreach (var ((impl, share), samples) in results.OrderBy(r => r.Key.Share).ThenBy(r => r.Key.Impl, StringComparer.Ordinal))
        {
            text.AppendLine(inv, $"- {impl}, {share}% killed: {string.Join(", ", samples.Select(Describe))}");
        }

        return text.ToString();
    }

    /// <summary>The nearest-rank percentile of the values present; null when there are none.</summary>
    public static double? Percentile(IEnumerable<double?> values, double p)
    {
        var sorted = values.Where(v => v is not null).Select(v => v!.Value).Order().ToList();
        return sorted.Count == 0 ? null : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }

    private static string Describe(ChurnSample s) =>
        s.Error is { } error
            ? FormattableString.Invariant($"failed ({error}, {s.ProcessMs:0} ms)")
            : FormattableString.Invariant($"{s.LookupMs:0}/{s.JoinMs:0}/{s.ProcessMs:0}/{s.Closest}") + (s.GetFound is { } found ? FormattableString.Invariant($"/get {s.GetMs:0}{(found ? "" : " not found")}") : "");
}
