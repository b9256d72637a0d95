using System.Diagnostics;
using DhtRpc.Wire;

namespace DhtRpc.Hostile;

/// <summary>
/// `storage-kill`: per round, a stream of warehouse STOREs into a node on one data folder; at a random
/// moment the node gets SIGKILL; it is started again on the same folder and port, and every STORE it had
/// acknowledged is read back (GET, value compared). An acknowledged write that is gone is a lost write.
/// The items that were in flight (sent, not acknowledged) are read too, for what they are: either way is fine.
/// </summary>
internal static class StorageKillBench
{
    public static async Task<int> RunAsync(Args args)
    {
        var rounds = args.Int("rounds", 3);
        var valueBytes = args.Int("value-bytes", 1000);
        var ports = args.Int("ports", 2);
        var window = args.Int("window", 32);
        var earliest = args.Int("kill-from-ms", 1000);
        var latest = args.Int("kill-to-ms", 4000);
        var random = new Random(args.Int("seed", Environment.TickCount));
        var rows = new List<string>();
        var extra = "";
        var lost = 0L;
        await using (var scenario = await StorageScenario.CreateAsync(args).ConfigureAwait(false))
        {
            var earlier = new List<(StorageItems Items, long[] Acked)>();
            try
            {
                var node = await scenario.StartNodeAsync().ConfigureAwait(false);
                extra = scenario.Arguments(await scenario.Cli.ExtraArgumentsAsync("node").ConfigureAwait(false));
                for (var round = 1; round <= rounds; round++)
                {
                    var killAt = random.Next(earliest, latest);
                    Console.Error.WriteLine($"[storage-kill] round {round}: SIGKILL {killAt} ms into the stream");
                    var items = new StorageItems($"kill-{round}", valueBytes);
                    var tally = new LoadTally(keepAcked: true);
                    var plan = new LoadPlan(10_000_000, 10_000_000, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1));
                    var load = new StoreLoad(node.Endpoint, items, [StorageQuotaBench.HeavyAddress], ports, window, plan, tally);
                    load.Start();
                    await Task.Delay(killAt).ConfigureAwait(false);
                    scenario.KillNode();
                    plan.Stop();
                    await Task.Run(load.Join).ConfigureAwait(false);
                    var acked = tally.AckedItems.ToArray();
                    var handedOut = plan.HandedOut;

                    var restart = Stopwatch.StartNew();
                    node = await scenario.StartNodeAsync().ConfigureAwait(false);
                    var restartMs = restart.Elapsed.TotalMilliseconds;
                    var check = await Task.Run(() => Check(node.Endpoint, items, acked, handedOut)).ConfigureAwait(false);
                    var earlierCheck = await Task.Run(() => earlier.Select(e => Check(node.Endpoint, e.Items, e.Acked, 0)).ToList()).ConfigureAwait(false);
                    var earlierMissing = earlierCheck.Sum(c => c.Missing + c.Wrong);
                    earlier.Add((items, acked));
                    lost += check.Missing + check.Wrong + earlierMissing;
                    rows.Add(FormattableString.Invariant(
                        $"| {round} | {killAt} | {plan.RequestsSent:N0} | {acked.Length:N0} | **{check.Missing:N0}** | {check.Wrong:N0} | {check.Unanswered:N0} | {check.InFlight:N0} (present after restart: {check.InFlightPresent:N0}) | {Report.F(restartMs, "0")} | {(earlier.Count == 1 ? "–" : FormattableString.Invariant($"{earlierCheck.Sum(c => c.Acked):N0} checked, {earlierMissing:N0} missing"))} | {StorageScenario.InfoText(StorageScenario.Info(node.Endpoint))} |"));
                }
            }
            catch (InvalidOperationException e)
            {
                rows.Add($"| failed: {e.Message.Replace('|', '/')} ||||||||||");
            }
        }

        var text = Report.SectionHeader("Storage: kill -9 during acknowledged writes", args).AppendLine().AppendLine();
        text.AppendLine(Report.Inv, $"A `dht bootstrap` and a `dht node --data DIR` (`{StorageQuotaBench.Shown(args)}`); `dht node` extra arguments: {extra}. Per round, {ports} sockets on {StorageQuotaBench.HeavyAddress} keep a window of {window} warehouse STOREs of {valueBytes:N0}-byte values in flight (each item its own key; a reply = an acknowledgement: the node replies once its store returned); at a random moment between {earliest} and {latest} ms the node gets SIGKILL; the replies already sent are still counted; then it starts again on the same folder and port, and from 127.0.2.1–4 in turn (with a token) every acknowledged item of the round is read back with GET (101) and compared, and so are the items sent but not acknowledged. Rounds share the folder; each round also reads back the earlier rounds' items. **Missing** = acknowledged and gone after the restart.");
        text.AppendLine();
        text.AppendLine("| round | SIGKILL at (ms) | STOREs sent | acknowledged | missing after restart | wrong value | GETs unanswered | in flight at the kill | restart to ready (ms) | earlier rounds' items | held after (INFO) |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---|---:|---|---|");
        foreach (var row in rows)
        {
            text.AppendLine(row);
        }

        text.AppendLine();
        text.AppendLine(Report.Inv, $"Acknowledged writes lost over all rounds: **{lost:N0}**.");
        await Report.EmitAsync(text, args).ConfigureAwait(false);
        return 0;
    }

    /// <summary>
    /// Reads back every acknowledged item, and every item below <paramref name="handedOut"/> that was not
    /// acknowledged, from four probe addresses in turn (127.0.2.1–4, so that no source budget holds the reads back).
    /// </summary>
    private static KillCheck Check(Ipv4Endpoint node, StorageItems items, long[] acked, long handedOut)
    {
        var probes = StorageItems.Sources(2, 4).Select(a => new StorageProbe(a, node)).ToList();
        try
        {
            foreach (var probe in probes)
            {
                _ = probe.FetchToken();
            }

            long missing = 0, wrong = 0, unanswered = 0, n = 0;
            foreach (var item in acked)
            {
                switch (Read(probes[(int)(n++ % probes.Count)], items, item))
                {
                    case Found.Missing:
                        missing++;
                        break;
                    case Found.Wrong:
                        wrong++;
                        break;
                    case Found.NoReply:
                        unanswered++;
                        break;
                    default:
                        break;
                }
            }

            var ackedSet = acked.ToHashSet();
            var inFlight = Enumerable.Range(0, (int)handedOut).Select(i => (long)i).Where(i => !ackedSet.Contains(i)).ToList();
            var present = inFlight.Count(i => Read(probes[(int)(n++ % probes.Count)], items, i) == Found.Right);
            return new KillCheck(acked.Length, missing, wrong, unanswered, inFlight.Count, present);
        }
        finally
        {
            foreach (var probe in probes)
            {
                probe.Dispose();
            }
        }
    }

    private static Found Read(StorageProbe probe, StorageItems items, long item) => probe.Get(items.Key(item)) switch
    {
        null => Found.NoReply,
        { Error: 0, Value: { } value } when value.AsSpan().SequenceEqual(items.Value(item)) => Found.Right,
        { Error: 0, Value: null or { Length: 0 } } => Found.Missing,
        _ => Found.Wrong,
    };

    private enum Found
    {
        Right,
        Missing,
        Wrong,
        NoReply,
    }

    private sealed record KillCheck(long Acked, long Missing, long Wrong, long Unanswered, long InFlight, long InFlightPresent);
}
