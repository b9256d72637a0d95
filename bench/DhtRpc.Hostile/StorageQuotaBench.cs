using System.Net;

namespace DhtRpc.Hostile;

/// <summary>
/// `storage-quota`: per value size, a fresh storage node; one source address (127.0.0.2, many ports)
/// stores items as fast as its replies let it, bounded in requests and time; then a second address
/// (127.0.0.3) stores its own 100 items. Reports what each got stored and the replies by error code.
/// </summary>
internal static class StorageQuotaBench
{
    public static readonly IPAddress HeavyAddress = IPAddress.Parse("127.0.0.2");
    public static readonly IPAddress SecondAddress = IPAddress.Parse("127.0.0.3");

    public static async Task<int> RunAsync(Args args)
    {
        var sizes = (args.Get("sizes") ?? "60000,32").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(s => int.Parse(s, Report.Inv)).ToArray();
        var seconds = args.Double("seconds", 30);
        var requests = args.Long("requests", 20_000);
        var ports = args.Int("ports", 8);
        var window = args.Int("window", 32);
        var secondItems = args.Int("second-items", 100);
        var timeout = TimeSpan.FromMilliseconds(args.Int("timeout-ms", 1000));
        var rows = new List<string>();
        var extra = "";
        foreach (var size in sizes)
        {
            Console.Error.WriteLine($"[storage-quota] {size}-byte items, {requests:N0} requests or {seconds} s");
            await using var scenario = await StorageScenario.CreateAsync(args).ConfigureAwait(false);
            try
            {
                var node = await scenario.StartNodeAsync().ConfigureAwait(false);
                extra = scenario.Arguments(await scenario.Cli.ExtraArgumentsAsync("node").ConfigureAwait(false));
                var dropsBefore = ProcNetUdp.Drops(node.Endpoint.ToIPEndPoint());
                var heavy = new StoreLoad(node.Endpoint, new StorageItems("quota-heavy", size), [HeavyAddress], ports, window,
                    new LoadPlan(requests, requests, TimeSpan.FromSeconds(seconds), timeout), new LoadTally());
                var elapsed = await Task.Run(heavy.Run).ConfigureAwait(false);
                var dropped = ProcNetUdp.Drops(node.Endpoint.ToIPEndPoint()) - dropsBefore;
                var afterHeavy = StorageScenario.Info(node.Endpoint);
                var second = new StoreLoad(node.Endpoint, new StorageItems("quota-second", size), [SecondAddress], 1, 4,
                    new LoadPlan(secondItems, secondItems * 4L, TimeSpan.FromSeconds(30), timeout), new LoadTally());
                await Task.Run(second.Run).ConfigureAwait(false);
                var afterSecond = StorageScenario.Info(node.Endpoint);
                var t = heavy.Tally;
                rows.Add(FormattableString.Invariant(
                    $"| {size:N0} | {heavy.Plan.RequestsSent:N0} in {elapsed.TotalSeconds:0.0} s | {t.Acked:N0} / {Report.Mb(t.AckedBytes)} MB | {t.CodesText()} | {t.NoReply:N0} | {dropped:N0} | {t.Late:N0} | {t.TokenRetries:N0} | {StorageScenario.InfoText(afterHeavy)} | {second.Tally.Acked} of {secondItems} ({second.Tally.CodesText()}; no reply {second.Tally.NoReply}) | {StorageScenario.InfoText(afterSecond)} | {afterSecond?.DropsText() ?? "n/a"} | {Report.Mb(node.RssBytes())} | {node.ExitDescription} |"));
            }
            catch (InvalidOperationException e)
            {
                rows.Add($"| {size:N0} | failed: {e.Message.Replace('|', '/')} ||||||||||||");
            }
        }

        var text = Report.SectionHeader("Storage: per-source quota", args).AppendLine().AppendLine();
        text.AppendLine(Report.Inv, $"Per value size, a fresh `dht bootstrap` and `dht node --data DIR` (`{Shown(args)}`); `dht node` extra arguments: {extra}.{await StorageScenario.RefusedOptionsAsync(args, DhtCli.From(args)).ConfigureAwait(false)} From {HeavyAddress}, {ports} sockets (ports) share a window of {window} warehouse STOREs (100) in flight, each with the token the node last gave that socket (a STORE without value fetches one; INVALID_TOKEN fetches a fresh one and sends the item again); every item has its own key; a reply later than {timeout.TotalMilliseconds:0} ms counts as none. Bounded at {requests:N0} requests or {seconds} s. Then {SecondAddress} stores {secondItems} items of its own (one socket, window 4). Stored = acknowledged (error 0); *held* = the node's INFO (asked from 127.0.0.1 with a token), both spaces; its nonzero `dropped.*` and `limited.*` counters at the end (a request dropped over its source's budget gets no reply: the window's requests in flight then wait out their time).");
        text.AppendLine();
        text.AppendLine("| value (B) | requests from 127.0.0.2 | stored (items / MB) | replies by code | no reply | dropped at the node's socket | late replies | token refreshes | held after | 127.0.0.3 stored | held after | node's drop counters | RSS (MB) | node |");
        text.AppendLine("|---:|---:|---:|---|---:|---:|---:|---:|---|---|---|---|---:|---|");
        foreach (var row in rows)
        {
            text.AppendLine(row);
        }

        await Report.EmitAsync(text, args).ConfigureAwait(false);
        return 0;
    }

    public static string Shown(Args args)
    {
        try
        {
            return DhtCli.From(args).Shown;
        }
        catch (InvalidOperationException)
        {
            return "dht";
        }
    }
}
