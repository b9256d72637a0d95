using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using DhtRpc.Wire;

namespace DhtRpc.Hostile;

/// <summary>
/// `reflect`: how much a storage node sends to an address that never proved it receives there (no
/// token ever): per request kind, the largest reply against the request's size, and the bytes per
/// second arriving at that address (the requesting socket, and the port PING_NAT names) while it is
/// asked at a steady rate. A forger would name a victim's address; here the "victim" is 127.0.0.3.
/// </summary>
internal static class ReflectBench
{
    private const int MaxReplyBytes = 1500;
    private const double MaxBytesPerSecond = 64 * 1024;
    private const string WarehouseKey = "hostile-bench-item";

    public static readonly IPAddress VictimAddress = IPAddress.Parse("127.0.0.3");

    private sealed record Probe(string Name, Func<ushort, byte[]> Build);

    public static async Task<int> RunAsync(Args args)
    {
        var rate = args.Int("rate", 2000);
        var seconds = args.Double("seconds", 5);
        var valueBytes = args.Int("value-bytes", 59_000);
        var cli = DhtCli.From(args);
        using var bootstrap = await NodeProcess.StartBootstrapAsync(cli).ConfigureAwait(false);
        using var node = await NodeProcess.StartStorageNodeAsync(cli, bootstrap.Endpoint).ConfigureAwait(false);
        var value = ValueSeeder.MakeValue(valueBytes);
        var seeded = new[]
        {
            ValueSeeder.StoreContent(node.Endpoint, value),
            await ValueSeeder.StoreWarehouseAsync(cli, node.Endpoint, bootstrap.Endpoint, WarehouseKey, value).ConfigureAwait(false),
        };

        using var requester = new ReceiveCounter(LivenessPinger.Bind(VictimAddress, node.Endpoint));
        var sinkSocket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        sinkSocket.Bind(new IPEndPoint(VictimAddress, 0));
        var sinkPort = ((IPEndPoint)sinkSocket.LocalEndPoint!).Port;
        using var sink = new ReceiveCounter(sinkSocket);
        var probes = Probes(node.Endpoint, bootstrap.Endpoint, value, sinkPort);
        if (args.Get("probes") is { } only)
        {
            var names = only.Split(',', StringSplitOptions.TrimEntries);
            probes = [.. probes.Where(p => names.Any(n => p.Name.Contains(n, StringComparison.OrdinalIgnoreCase)))];
        }

        var rows = new List<string>();
        foreach (var probe in probes)
        {
            Console.Error.WriteLine($"[reflect] {probe.Name}");
            rows.Add(await Task.Run(() => Measure(probe, requester, sink, rate, TimeSpan.FromSeconds(seconds))).ConfigureAwait(false));
        }

        var text = Report.SectionHeader("Hostile traffic: reflection and amplification", args).AppendLine().AppendLine();
        text.AppendLine(Report.Inv, $"A `dht bootstrap` and a `dht node --data DIR` (`{cli.Shown}`); {cli.Describe()}. Stored beforehand: {string.Join("; ", seeded)}. Every request below comes from a socket on {VictimAddress} that never presents a token; PING_NAT names port {sinkPort} on the same address, where a second socket counts what arrives. Per kind: one request alone (largest reply / request bytes), then {rate} requests/s (distinct tids, in bursts every 10 ms) for {seconds} s, counting the bytes arriving at {VictimAddress} until 0.5 s after the last; the kinds run one after the other, 1.5 s apart. A dropped count above 0 means our sockets' receive buffers overflowed and the byte rate is a lower bound.");
        text.AppendLine();
        text.AppendLine(Report.Inv, $"Targets: no reply larger than {MaxReplyBytes} bytes; at most {MaxBytesPerSecond / 1024:0} KiB/s sustained towards the address.");
        text.AppendLine();
        text.AppendLine("| request | request (B) | largest reply (B) | amplification | sent | replies | KiB/s at requester | KiB/s at PING_NAT port | dropped at our sockets | targets met |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var row in rows)
        {
            text.AppendLine(row);
        }

        text.AppendLine();
        text.AppendLine(Report.Inv, $"Storage node after the probes: {node.ExitDescription}, RSS {Report.Mb(node.RssBytes())} MB.");
        await Report.EmitAsync(text, args).ConfigureAwait(false);
        return 0;
    }

    private static List<Probe> Probes(Ipv4Endpoint node, Ipv4Endpoint tableNode, byte[] value, int sinkPort)
    {
        var content = SHA256.HashData(value);
        var warehouse = SHA256.HashData(Encoding.UTF8.GetBytes(WarehouseKey));
        var random = RandomNumberGenerator.GetBytes(32);
        return
        [
            new("content GET (1), target = sha256(value)", tid => Packets.Request(tid, node, 1, isInternal: false, target: content)),
            new("INSERT (0) without token", tid => Packets.Request(tid, node, 0, isInternal: false, target: content)),
            new("warehouse GET (101)", tid => Packets.Request(tid, node, 101, isInternal: false, target: warehouse)),
            new("warehouse LIST (102)", tid => Packets.Request(tid, node, 102, isInternal: false)),
            new("warehouse INFO (107)", tid => Packets.Request(tid, node, 107, isInternal: false)),
            new("unknown user command 4242, with target", tid => Packets.Request(tid, node, 4242, isInternal: false, target: random)),
            new("PING", tid => Packets.Request(tid, node, Packets.Ping, isInternal: true)),
            new("FIND_NODE", tid => Packets.Request(tid, node, Packets.FindNode, isInternal: true, target: random)),
            new("PING_NAT, naming the second port", tid => Packets.Request(tid, node, Packets.PingNat, isInternal: true, value: Packets.UInt16Value(sinkPort))),
            new("DOWN_HINT, naming a table node", tid => Packets.Request(tid, node, Packets.DownHint, isInternal: true, value: Packets.AddressBytes(tableNode))),
            new("DELAYED_PING, 1 ms", tid => Packets.Request(tid, node, Packets.DelayedPing, isInternal: true, value: Packets.UInt32Value(1))),
        ];
    }

    private static string Measure(Probe probe, ReceiveCounter requester, ReceiveCounter sink, int rate, TimeSpan duration)
    {
        var socket = requester.Socket;
        ushort tid = 1;
        requester.Reset();
        sink.Reset();
        var single = probe.Build(tid++);
        socket.Send(single);
        Thread.Sleep(500);
        var largest = Math.Max(requester.Largest, sink.Largest);

        var dropsBefore = requester.KernelDrops() + sink.KernelDrops();
        requester.Reset();
        sink.Reset();
        var perBurst = Math.Max(1, rate / 100);
        var clock = Stopwatch.StartNew();
        long sent = 0;
        for (var burst = 0; clock.Elapsed < duration && burst < 100 * duration.TotalSeconds; burst++)
        {
            for (var i = 0; i < perBurst; i++)
            {
                var datagram = probe.Build(tid);
                tid = (ushort)(tid == ushort.MaxValue ? 1 : tid + 1);
                try
                {
                    socket.Send(datagram);
                    sent++;
                }
                catch (SocketException)
                {
                    // ICMP unreachable from an earlier send: the node is gone; the row says so.
                }
            }

            var next = TimeSpan.FromMilliseconds(10 * (burst + 1)) - clock.Elapsed;
            if (next > TimeSpan.Zero)
            {
                Thread.Sleep(next);
            }
        }

        var sendSeconds = clock.Elapsed.TotalSeconds;
        Thread.Sleep(500);
        var dropped = requester.KernelDrops() + sink.KernelDrops() - dropsBefore;
        largest = Math.Max(largest, Math.Max(requester.Largest, sink.Largest));
        var atRequester = requester.Bytes / sendSeconds;
        var atSink = sink.Bytes / sendSeconds;
        Thread.Sleep(1000); // With the 0.5 s above: the pause before the next kind, so that budgets refill.
        var met = largest <= MaxReplyBytes && atRequester + atSink <= MaxBytesPerSecond;
        return FormattableString.Invariant(
            $"| {probe.Name} | {single.Length} | {largest} | {(double)largest / single.Length:0.0} | {sent:N0} | {requester.Datagrams + sink.Datagrams:N0} | {atRequester / 1024:N1} | {atSink / 1024:N1} | {dropped} | {Report.Met(met)} |");
    }
}
