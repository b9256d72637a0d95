using System.Net;
using System.Security.Cryptography;
using DhtRpc.Wire;

namespace DhtRpc.Hostile;

/// <summary>
/// `flood`: per command, a fresh bootstrap and storage node (real `dht` processes); one thread on
/// 127.0.0.2 floods the storage node with one prebuilt request of that command while a legitimate
/// pinger on 127.0.0.1 PINGs it at 50/s; then how long until it answers normally, and its memory.
/// </summary>
internal static class FloodBench
{
    private const double MinAnswered = 0.90;
    private const double MaxMedianMs = 5;
    private const double MaxRecoveryMs = 1000;
    private const long MaxGrowthBytes = 50L * 1024 * 1024;

    public static readonly IPAddress LegitAddress = IPAddress.Parse("127.0.0.1");
    public static readonly IPAddress FloodAddress = IPAddress.Parse("127.0.0.2");

    private static readonly string[] AllCommands = ["PING", "FIND_NODE", "DELAYED_PING", "PING_NAT", "DOWN_HINT"];

    public static async Task<int> RunAsync(Args args)
    {
        var which = (args.Get("command") ?? "all").ToUpperInvariant();
        var commands = which == "ALL" ? AllCommands : which.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (commands.FirstOrDefault(c => !AllCommands.Contains(c)) is { } unknown)
        {
            throw new ArgumentException($"--command {unknown}: expected one of {string.Join(", ", AllCommands)} or all");
        }

        var seconds = args.Double("seconds", 5);
        var maxDatagrams = args.Long("max-datagrams", 100_000_000);
        var rate = args.Int("ping-rate", 50);
        var delayMs = (uint)args.Int("delay-ms", 10_000);
        var cli = DhtCli.From(args);
        var rows = new List<string>();
        foreach (var command in commands)
        {
            Console.Error.WriteLine($"[flood] {command}, {seconds} s");
            rows.Add(await FloodOneAsync(cli, command, TimeSpan.FromSeconds(seconds), maxDatagrams, rate, delayMs).ConfigureAwait(false));
        }

        var text = Report.SectionHeader("Hostile traffic: request floods", args).AppendLine().AppendLine();
        text.AppendLine(Report.Inv, $"Per command, a fresh `dht bootstrap` and `dht node --data DIR` (`{cli.Shown}`); {cli.Describe()}. One thread on {FloodAddress} sends the same request datagram (tid fixed) to the storage node for {seconds} s in a tight `send()` loop; meanwhile a pinger on {LegitAddress} sends PINGs at {rate}/s (answered = reply within {LivenessPinger.AnswerTimeout.TotalSeconds:0} s). After the flood: recovery = time until {RecoveryProbe.Streak} consecutive PINGs (one per {RecoveryProbe.Interval.TotalMilliseconds:0} ms) are answered within {RecoveryProbe.FastMs:0} ms (bounded at 60 s). RSS = VmRSS of the storage node: before the flood, peak (sampled every 100 ms through flood and recovery), after recovery. DELAYED_PING asks for {delayMs} ms; PING_NAT names the flooder's own port; DOWN_HINT names the bootstrap (a node in the table). Dropped = datagrams the kernel dropped at the node's server socket (its receive buffer full), from /proc/net/udp: the flood the node never read.");
        text.AppendLine();
        text.AppendLine(Report.Inv, $"Targets: legitimate PINGs answered ≥ {MinAnswered:P0}, median < {MaxMedianMs:0} ms, recovery ≤ {MaxRecoveryMs / 1000:0} s, peak RSS growth < {MaxGrowthBytes >> 20} MB.");
        text.AppendLine();
        text.AppendLine("| command | bytes | sent | send rate (/s) | dropped at the node's socket | legit PINGs | answered | median (ms) | p99 (ms) | recovery (ms) | RSS before / peak / after (MB) | growth (MB) | node | targets met |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|---|");
        foreach (var row in rows)
        {
            text.AppendLine(row);
        }

        await Report.EmitAsync(text, args).ConfigureAwait(false);
        return 0;
    }

    private static async Task<string> FloodOneAsync(DhtCli cli, string command, TimeSpan duration, long maxDatagrams, int rate, uint delayMs)
    {
        try
        {
            using var bootstrap = await NodeProcess.StartBootstrapAsync(cli).ConfigureAwait(false);
            using var node = await NodeProcess.StartStorageNodeAsync(cli, bootstrap.Endpoint).ConfigureAwait(false);
            await Task.Delay(500).ConfigureAwait(false);
            var before = node.RssBytes();
            var dropsBefore = ProcNetUdp.Drops(node.Endpoint.ToIPEndPoint());
            using var sampler = new RssSampler(node);
            using var pinger = new LivenessPinger(node.Endpoint, LegitAddress, rate, duration + TimeSpan.FromSeconds(5));
            using var flooder = new Flooder(FloodAddress, node.Endpoint, self => Datagram(command, node.Endpoint, self, bootstrap.Endpoint, delayMs), duration, maxDatagrams);

            // The flood and the probes run on their own threads; this task only waits for them.
            var measured = await Task.Run(() =>
            {
                pinger.Start();
                flooder.Start();
                var flood = flooder.Join();
                pinger.StopSending();
                var recovery = RecoveryProbe.Measure(node.Endpoint, LegitAddress, TimeSpan.FromSeconds(60));
                return (flood, recovery, pings: pinger.Collect());
            }).ConfigureAwait(false);
            var after = node.RssBytes();
            var dropped = ProcNetUdp.Drops(node.Endpoint.ToIPEndPoint()) - dropsBefore;
            var peak = Math.Max(sampler.Peak, after);
            var (flood, recovery, pings) = measured;
            var growth = peak - before;
            var met = pings.AnsweredShare >= MinAnswered && pings.MedianMs < MaxMedianMs && recovery is { } r && r.TotalMilliseconds <= MaxRecoveryMs && growth < MaxGrowthBytes && !node.HasExited;
            var recoveryText = recovery is { } t ? Report.F(t.TotalMilliseconds, "0") : "> 60000";
            return FormattableString.Invariant(
                $"| {command} | {flooder.DatagramBytes} | {flood.Sent:N0} | {flood.Rate:N0} | {dropped:N0} | {pings.Sent} | {Report.F(pings.AnsweredShare * 100, "0.0")} % | {Report.F(pings.MedianMs, "0.00")} | {Report.F(pings.P99Ms, "0.00")} | {recoveryText} | {Report.Mb(before)} / {Report.Mb(peak)} / {Report.Mb(after)} | {Report.Mb(growth)} | {node.ExitDescription} | {Report.Met(met)} |");
        }
        catch (InvalidOperationException e)
        {
            return $"| {command} | failed: {e.Message.Replace('|', '/')} ||||||||||||";
        }
    }

    /// <summary>The one request the flood repeats.</summary>
    private static byte[] Datagram(string command, Ipv4Endpoint to, Ipv4Endpoint self, Ipv4Endpoint tableNode, uint delayMs) => command switch
    {
        "PING" => Packets.Request(0x1234, to, Packets.Ping, isInternal: true),
        "FIND_NODE" => Packets.Request(0x1234, to, Packets.FindNode, isInternal: true, target: RandomNumberGenerator.GetBytes(32)),
        "DELAYED_PING" => Packets.Request(0x1234, to, Packets.DelayedPing, isInternal: true, value: Packets.UInt32Value(delayMs)),
        "PING_NAT" => Packets.Request(0x1234, to, Packets.PingNat, isInternal: true, value: Packets.UInt16Value(self.Port)),
        "DOWN_HINT" => Packets.Request(0x1234, to, Packets.DownHint, isInternal: true, value: Packets.AddressBytes(tableNode)),
        _ => throw new ArgumentException($"unknown command {command}"),
    };
}
