using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using DhtRpc.Wire;

namespace DhtRpc.Hostile;

/// <summary>
/// `soak`: a million or more hostile datagrams at a real node process (a bootstrap, then a storage node,
/// or one of them with --target), from eight loopback addresses, while a pinger checks that it still
/// answers: 60 % a mix of random bytes, mutated captured vectors and forged responses, then 40 % floods
/// of each command in turn. Reported: liveness, memory, whether it survived, its kernel drops and its
/// own counters where `dht stats` gives them.
/// </summary>
internal static class SoakBench
{
    private const int Sources = 8;
    private const double MixedShare = 0.6;

    private static readonly (HostileKind Kind, int Weight)[] Mix =
        [(HostileKind.RandomBytes, 25), (HostileKind.MutatedRequest, 30), (HostileKind.MutatedResponse, 15), (HostileKind.ForgedResponse, 30)];

    private sealed record SoakResult(long Sent, long Errors, TimeSpan Elapsed, Dictionary<HostileKind, long> Kinds, PingSummary Pings, TimeSpan? Recovery);

    public static async Task<int> RunAsync(Args args)
    {
        var datagrams = args.Long("datagrams", 1_000_000);
        var maxSeconds = TimeSpan.FromSeconds(args.Double("max-seconds", 300));
        var rate = args.Int("rate", 0);
        var seed = args.Int("seed", 1);
        var targets = (args.Get("target") ?? "both") switch
        {
            "both" => new[] { "bootstrap", "node" },
            "bootstrap" => ["bootstrap"],
            "node" => ["node"],
            var other => throw new ArgumentException($"--target {other}: expected bootstrap, node or both"),
        };
        var cli = DhtCli.From(args);
        var rows = new List<string>();
        var details = new List<string>();
        foreach (var target in targets)
        {
            Console.Error.WriteLine($"[soak] {target}: {datagrams:N0} datagrams");
            using var bootstrap = await NodeProcess.StartBootstrapAsync(cli).ConfigureAwait(false);
            using var storage = await NodeProcess.StartStorageNodeAsync(cli, bootstrap.Endpoint).ConfigureAwait(false);
            var (attacked, other) = target == "bootstrap" ? (bootstrap, storage) : (storage, bootstrap);
            await Task.Delay(500).ConfigureAwait(false);
            var before = attacked.RssBytes();
            var dropsBefore = ProcNetUdp.Drops(attacked.Endpoint.ToIPEndPoint());
            using var sampler = new RssSampler(attacked);
            var result = await Task.Run(() => Soak(attacked.Endpoint, other.Endpoint, datagrams, maxSeconds, rate, seed)).ConfigureAwait(false);
            var after = attacked.RssBytes();
            var dropped = ProcNetUdp.Drops(attacked.Endpoint.ToIPEndPoint()) - dropsBefore;
            var survived = !attacked.HasExited;
            var stats = survived ? await NodeStats.DescribeAsync(cli, attacked.Endpoint, bootstrap.Endpoint).ConfigureAwait(false) : "not asked: the node is gone";
            var p = result.Pings;
            var recovery = result.Recovery is { } r ? Report.F(r.TotalMilliseconds, "0") : "> 60000";
            rows.Add(FormattableString.Invariant(
                $"| {attacked.Kind} | {result.Sent:N0} | {result.Sent / result.Elapsed.TotalSeconds:N0} | {dropped:N0} | {p.Answered} of {p.Sent} ({Report.F(p.AnsweredShare * 100, "0.0")} %) | {Report.F(p.MedianMs, "0.00")} / {Report.F(p.P99Ms, "0.00")} | {recovery} | {Report.Mb(before)} / {Report.Mb(Math.Max(sampler.Peak, after))} / {Report.Mb(after)} | {(survived ? "survived" : "**" + attacked.ExitDescription + "**: " + attacked.Tail)} |"));
            details.Add(FormattableString.Invariant(
                $"- {attacked.Kind}: {string.Join(", ", result.Kinds.Select(k => $"{k.Key} {k.Value:N0}"))}; {result.Errors:N0} send errors; the other process ({other.Kind}) {other.ExitDescription}. Node counters: {stats}"));
        }

        var text = Report.SectionHeader("Hostile traffic: soak", args).AppendLine().AppendLine();
        text.AppendLine(Report.Inv, $"Per target, a fresh `dht bootstrap` and `dht node --data DIR` joined to it (`{cli.Shown}`); {cli.Describe()}. Up to {datagrams:N0} datagrams at the target (bounded at {maxSeconds.TotalSeconds:0} s; {(rate > 0 ? $"paced at {rate}/s" : "unpaced")}), round robin from {Sources} sockets on 127.0.7.1 to 127.0.7.{Sources}: first {MixedShare:P0} a mix of random bytes (a quarter made to start like a request, a quarter like a response; 1 to 8,192 bytes), mutated captured vectors (requests and responses: bit flips, boundary bytes, cuts, insertions, repeated slices, new flags) and responses forged with random tids (random ids, tokens, errors, values, up to 30 closer nodes), then floods of each of {HostileDatagrams.Commands.Length} commands in turn ({string.Join(", ", HostileDatagrams.Commands.Select(c => c.Name))}; random tids, targets, values, and now and then a random id or token). Every datagram that starts like a response has its closer nodes moved into 127/8, so nothing leaves loopback. Meanwhile a pinger on 127.0.0.1 sends {LivenessPinger.AnswerTimeout.TotalSeconds:0}-s-timeout PINGs at 50/s; after the soak, recovery as in the flood mode. Dropped = datagrams the kernel dropped at the target's server socket (never read by the node).");
        text.AppendLine();
        text.AppendLine("| target | sent | rate (/s) | dropped at the node's socket | liveness PINGs answered | median / p99 (ms) | recovery (ms) | RSS before / peak / after (MB) | outcome |");
        text.AppendLine("|---|---:|---:|---:|---|---|---:|---|---|");
        foreach (var row in rows)
        {
            text.AppendLine(row);
        }

        text.AppendLine();
        foreach (var detail in details)
        {
            text.AppendLine(detail);
        }

        await Report.EmitAsync(text, args).ConfigureAwait(false);
        return 0;
    }

    private static SoakResult Soak(Ipv4Endpoint node, Ipv4Endpoint tableNode, long count, TimeSpan maxTime, int rate, int seed)
    {
        var sockets = Enumerable.Range(1, Sources).Select(i => LivenessPinger.Bind(IPAddress.Parse($"127.0.7.{i}"), node)).ToArray();
        using var pinger = new LivenessPinger(node, IPAddress.Loopback, 50, maxTime + TimeSpan.FromSeconds(5));
        var generator = new HostileDatagrams(node, tableNode, seed);
        var random = new Random(seed);
        var kinds = Enum.GetValues<HostileKind>().ToDictionary(k => k, _ => 0L);
        var mixed = (long)(count * MixedShare);
        var totalWeight = Mix.Sum(m => m.Weight);
        long sent = 0, errors = 0;
        pinger.Start();
        var clock = Stopwatch.StartNew();
        for (long i = 0; i < count; i++)
        {
            if ((i & 1023) == 0)
            {
                if (clock.Elapsed >= maxTime)
                {
                    break;
                }

                var ahead = rate > 0 ? TimeSpan.FromSeconds((double)i / rate) - clock.Elapsed : TimeSpan.Zero;
                if (ahead > TimeSpan.Zero)
                {
                    Thread.Sleep(ahead);
                }
            }

            var kind = i < mixed ? Pick(random, totalWeight) : HostileKind.Command;
            var command = i < mixed ? 0 : (int)((i - mixed) * HostileDatagrams.Commands.Length / Math.Max(1, count - mixed));
            var datagram = generator.Next(kind, command);
            kinds[kind]++;
            try
            {
                sockets[i % Sources].Send(datagram);
                sent++;
            }
            catch (SocketException)
            {
                errors++; // ECONNREFUSED (the node is gone) or a full send buffer.
            }
        }

        var elapsed = clock.Elapsed;
        pinger.StopSending();
        var recovery = RecoveryProbe.Measure(node, IPAddress.Loopback, TimeSpan.FromSeconds(60));
        var pings = pinger.Collect();
        foreach (var socket in sockets)
        {
            socket.Dispose();
        }

        return new SoakResult(sent, errors, elapsed, kinds, pings, recovery);
    }

    private static HostileKind Pick(Random random, int totalWeight)
    {
        var roll = random.Next(totalWeight);
        foreach (var (kind, weight) in Mix)
        {
            if ((roll -= weight) < 0)
            {
                return kind;
            }
        }

        return Mix[^1].Kind;
    }
}
