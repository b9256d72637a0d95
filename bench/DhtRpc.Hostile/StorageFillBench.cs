namespace DhtRpc.Hostile;

/// <summary>
/// `storage-fill`: a million small warehouse items into one storage node from many source addresses
/// (127.0.1.x), a bounded window in flight; the insert rate per window of acknowledgements, the node's
/// memory, and PING round trips measured from 127.0.0.1 every 10 ms through the whole fill.
/// </summary>
internal static class StorageFillBench
{
    public static async Task<int> RunAsync(Args args)
    {
        var items = args.Long("items", 1_000_000);
        var sources = args.Int("sources", 20);
        var ports = args.Int("ports", 1);
        var window = args.Int("window", 256);
        var every = args.Long("window-items", 50_000);
        var valueBytes = args.Int("value-bytes", 32);
        var maxSeconds = args.Double("max-seconds", 900);
        var pingRate = 1000 / Math.Max(1, args.Int("ping-interval-ms", 10));
        var timeout = TimeSpan.FromMilliseconds(args.Int("timeout-ms", 2000));
        var addresses = StorageItems.Sources(1, sources);

        Console.Error.WriteLine($"[storage-fill] {items:N0} items of {valueBytes} B from {sources} addresses, window {window}, at most {maxSeconds} s");
        await using var scenario = await StorageScenario.CreateAsync(args).ConfigureAwait(false);
        var node = await scenario.StartNodeAsync().ConfigureAwait(false);
        var extra = scenario.Arguments(await scenario.Cli.ExtraArgumentsAsync("node").ConfigureAwait(false));
        await Task.Delay(500).ConfigureAwait(false);
        var rssBefore = node.RssBytes();
        var tally = new LoadTally(every, node.RssBytes);
        var load = new StoreLoad(node.Endpoint, new StorageItems("fill", valueBytes), addresses, ports, window,
            new LoadPlan(items, items * 2, TimeSpan.FromSeconds(maxSeconds), timeout), tally);
        using var sampler = new RssSampler(node);
        using var pinger = new LivenessPinger(node.Endpoint, StorageScenario.ProbeAddress, pingRate, TimeSpan.FromSeconds(maxSeconds + 10));
        var (elapsed, pings) = await Task.Run(() =>
        {
            pinger.Start();
            using var progress = new Timer(_ => Console.Error.WriteLine($"[storage-fill] {load.Plan.Clock.Elapsed.TotalSeconds:0} s: stored {tally.Acked:N0}, no reply {tally.NoReply:N0}, codes {tally.CodesText()}"), null, 10_000, 10_000);
            var e = load.Run();
            return (e, pinger.Collect());
        }).ConfigureAwait(false);
        var rssAfter = node.RssBytes();
        var info = StorageScenario.Info(node.Endpoint);
        var diskBytes = Directory.EnumerateFiles(scenario.Data).Sum(f => new FileInfo(f).Length);

        var windows = Windows(tally.Milestones, tally.Acked, tally.LastAckAt, every);
        var text = Report.SectionHeader("Storage: a million small items into one node", args).AppendLine().AppendLine();
        text.AppendLine(Report.Inv, $"One `dht bootstrap` and one `dht node --data DIR` (`{StorageQuotaBench.Shown(args)}`, DIR under {Path.GetTempPath()}); `dht node` extra arguments: {extra}.{await StorageScenario.RefusedOptionsAsync(args, scenario.Cli).ConfigureAwait(false)} {items:N0} warehouse STOREs (100) of {valueBytes}-byte values under distinct keys, from {sources} source addresses ({addresses[0]}–{addresses[^1]}, {ports} socket(s) each, so that no address reaches its share of the node: 65,536 items by default) sharing a window of {window} requests in flight, each with its socket's latest token; a reply later than {timeout.TotalMilliseconds:0} ms counts as none; bounded at {maxSeconds} s. Meanwhile 127.0.0.1 PINGs the node every {1000 / pingRate} ms from a socket of its own (a PING unanswered within {LivenessPinger.AnswerTimeout.TotalSeconds:0} s is a timeout). Rate = acknowledged items per second within each window of {every:N0} acknowledgements.");
        text.AppendLine();
        text.AppendLine("| stored | elapsed (s) | mean rate (/s) | first window (/s) | last window (/s) | replies by code | no reply | held after (INFO) | store files on disk (MB) | RSS before / peak / after (MB) | PINGs | PING p50 / p99 / max (ms) | PING timeouts | node's drop counters | node |");
        text.AppendLine("|---:|---:|---:|---:|---:|---|---:|---|---:|---|---:|---|---:|---|---|");
        var first = windows.Count > 0 ? Report.F(windows[0].Rate, "N0") : "n/a";
        var last = windows.Count > 0 ? Report.F(windows[^1].Rate, "N0") : "n/a";
        var max = pings.LatenciesMs.Count == 0 ? double.NaN : pings.LatenciesMs.Max();
        text.AppendLine(Report.Inv,
            $"| {tally.Acked:N0} | {elapsed.TotalSeconds:0.0} | {Report.F(tally.Acked / elapsed.TotalSeconds, "N0")} | {first} | {last} | {tally.CodesText()} | {tally.NoReply:N0} | {StorageScenario.InfoText(info)} | {Report.Mb(diskBytes)} | {Report.Mb(rssBefore)} / {Report.Mb(Math.Max(sampler.Peak, rssAfter))} / {Report.Mb(rssAfter)} | {pings.Sent:N0} | {Report.F(pings.MedianMs, "0.00")} / {Report.F(pings.P99Ms, "0.00")} / {Report.F(max, "0.0")} | {pings.Sent - pings.Answered:N0} | {info?.DropsText() ?? "n/a"} | {node.ExitDescription} |");
        text.AppendLine();
        text.AppendLine("| window | items | seconds | rate (/s) | RSS at its end (MB) |");
        text.AppendLine("|---:|---|---:|---:|---:|");
        foreach (var w in windows)
        {
            text.AppendLine(Report.Inv, $"| {w.Number} | {w.From:N0}–{w.To:N0} | {w.Seconds:0.00} | {Report.F(w.Rate, "N0")} | {(w.Rss > 0 ? Report.Mb(w.Rss) : "–")} |");
        }

        await Report.EmitAsync(text, args).ConfigureAwait(false);
        return 0;
    }

    /// <summary>The windows of <paramref name="every"/> acknowledgements, and the partial one after the last milestone.</summary>
    private static List<FillWindow> Windows(IReadOnlyList<Milestone> milestones, long acked, TimeSpan lastAck, long every)
    {
        var windows = new List<FillWindow>();
        var previous = TimeSpan.Zero;
        foreach (var m in milestones.OrderBy(m => m.Count))
        {
            windows.Add(new FillWindow(windows.Count + 1, m.Count - every, m.Count, (m.At - previous).TotalSeconds, m.Sample));
            previous = m.At;
        }

        var done = windows.Count * every;
        if (acked > done)
        {
            windows.Add(new FillWindow(windows.Count + 1, done, acked, (lastAck - previous).TotalSeconds, 0));
        }

        return windows;
    }

    private sealed record FillWindow(int Number, long From, long To, double Seconds, long Rss)
    {
        public double Rate => Seconds > 0 ? (To - From) / Seconds : double.NaN;
    }
}
