using System.Diagnostics;
using System.Net;

namespace DhtRpc.Hostile;

/// <summary>
/// `storage-disk`: a storage node whose data folder is a small tmpfs (mounted here, as root, and
/// unmounted at the end whatever happens); one source stores large items until the disk is full and
/// on, bounded; the replies by error code, the requests that got no reply at all, and whether the
/// node still answers PINGs and serves what it acknowledged.
/// </summary>
internal static class StorageDiskBench
{
    public static async Task<int> RunAsync(Args args)
    {
        var megabytes = args.Int("tmpfs-mb", 8);
        var valueBytes = args.Int("value-bytes", 60_000);
        var requests = args.Long("requests", 2_000);
        var seconds = args.Double("seconds", 60);
        var ports = args.Int("ports", 2);
        var window = args.Int("window", 8);
        var timeout = TimeSpan.FromMilliseconds(args.Int("timeout-ms", 2000));
        var mount = Path.Combine(Path.GetTempPath(), "dht-storage-tmpfs-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(mount);
        var (mounted, mountOutput) = await RunAsync("mount", ["-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", mount]).ConfigureAwait(false);
        if (!mounted)
        {
            Console.Error.WriteLine($"cannot mount a tmpfs on {mount} (root is needed): {mountOutput}");
            Directory.Delete(mount);
            return 1;
        }

        string row;
        var extra = "";
        var printed = "";
        try
        {
            Console.Error.WriteLine($"[storage-disk] {megabytes} MB tmpfs at {mount}; {valueBytes}-byte items, {requests:N0} requests or {seconds} s");
            await using var scenario = await StorageScenario.CreateAsync(args, mount).ConfigureAwait(false);
            try
            {
                var node = await scenario.StartNodeAsync().ConfigureAwait(false);
                extra = scenario.Arguments(await scenario.Cli.ExtraArgumentsAsync("node").ConfigureAwait(false));
                var items = new StorageItems("disk", valueBytes);
                var tally = new LoadTally(keepAcked: true);
                var dropsBefore = ProcNetUdp.Drops(node.Endpoint.ToIPEndPoint());
                var load = new StoreLoad(node.Endpoint, items, [StorageQuotaBench.HeavyAddress], ports, window,
                    new LoadPlan(requests, requests, TimeSpan.FromSeconds(seconds), timeout), tally);
                var elapsed = await Task.Run(load.Run).ConfigureAwait(false);
                var used = UsedBytes(mount);
                var dropped = ProcNetUdp.Drops(node.Endpoint.ToIPEndPoint()) - dropsBefore;
                var after = await Task.Run(() => Afterwards(node.Endpoint, items, tally)).ConfigureAwait(false);
                var info = StorageScenario.Info(node.Endpoint);
                row = FormattableString.Invariant(
                    $"| {megabytes} | {valueBytes:N0} | {load.Plan.RequestsSent:N0} in {elapsed.TotalSeconds:0.0} s | {tally.Acked:N0} / {Report.Mb(tally.AckedBytes)} MB | {tally.CodesText()} | **{tally.NoReply:N0}** | {dropped:N0} | {tally.Late:N0} | {Report.Mb(used)} | {after} | {StorageScenario.InfoText(info)} | {node.ExitDescription} |");
                printed = Printed(node);
            }
            catch (InvalidOperationException e)
            {
                row = $"| {megabytes} | {valueBytes:N0} | failed: {e.Message.Replace('|', '/')} ||||||||||";
            }
        }
        finally
        {
            var (unmounted, output) = await RunAsync("umount", [mount]).ConfigureAwait(false);
            if (!unmounted)
            {
                Console.Error.WriteLine($"umount {mount} failed ({output}); lazy unmount");
                await RunAsync("umount", ["-l", mount]).ConfigureAwait(false);
            }

            try
            {
                Directory.Delete(mount, recursive: true);
            }
            catch (IOException)
            {
                // Still busy: the empty mount point stays in the temporary folder.
            }
        }

        var text = Report.SectionHeader("Storage: a full disk", args).AppendLine().AppendLine();
        text.AppendLine(Report.Inv, $"A `dht bootstrap` and a `dht node --data DIR` (`{StorageQuotaBench.Shown(args)}`) with DIR a tmpfs of {megabytes} MB mounted for the run (`mount -t tmpfs -o size={megabytes}m tmpfs DIR`, unmounted at the end); `dht node` extra arguments: {extra}.{await StorageScenario.RefusedOptionsAsync(args, DhtCli.From(args)).ConfigureAwait(false)} From {StorageQuotaBench.HeavyAddress}, {ports} sockets share a window of {window} warehouse STOREs of {valueBytes:N0}-byte values (distinct keys, each with the socket's latest token) until {requests:N0} requests or {seconds} s, well past the point where the disk is full; a reply later than {timeout.TotalMilliseconds:0} ms counts as none. *No reply* should be 0: a store that cannot be written is answered 27 STORE_FAILED; *dropped at the node's socket* (from /proc/net/udp) are requests the kernel dropped because the node's receive buffer was full, which no server change answers. Afterwards, from 127.0.0.1: 20 PINGs, and a GET of up to 20 acknowledged items (sampled), each checked against the value stored.");
        text.AppendLine();
        text.AppendLine("| tmpfs (MB) | value (B) | requests | stored (items / MB) | replies by code | no reply | dropped at the node's socket | late replies | tmpfs used (MB) | afterwards | held (INFO) | node |");
        text.AppendLine("|---:|---:|---:|---:|---|---:|---:|---:|---:|---|---|---|");
        text.AppendLine(row);
        text.AppendLine();
        text.AppendLine(printed);
        await Report.EmitAsync(text, args).ConfigureAwait(false);
        return 0;
    }

    /// <summary>PINGs answered, and acknowledged items served with the right value, out of those asked.</summary>
    private static string Afterwards(DhtRpc.Wire.Ipv4Endpoint node, StorageItems items, LoadTally tally)
    {
        using var probe = new StorageProbe(IPAddress.Loopback, node);
        var pings = Enumerable.Range(0, 20).Count(_ => probe.Ping() is not null);
        _ = probe.FetchToken();
        var acked = tally.AckedItems.ToArray();
        var sample = acked.Length <= 20 ? acked : [.. Enumerable.Range(0, 20).Select(i => acked[i * acked.Length / 20])];
        var gets = new LoadTally();
        var served = 0;
        foreach (var i in sample)
        {
            var reply = probe.Get(items.Key(i));
            if (reply is null)
            {
                gets.Lost();
            }
            else if (reply is { Error: 0, Value: { } v } && v.AsSpan().SequenceEqual(items.Value(i)))
            {
                served++;
            }
            else
            {
                gets.Code(reply.Value.Error == 0 ? 1000 : reply.Value.Error); // 1000: answered without the value
            }
        }

        return FormattableString.Invariant($"PINGs answered {pings} of 20; acknowledged items served {served} of {sample.Length} (other GET replies: {gets.CodesText().Replace("1000", "empty or wrong value", StringComparison.Ordinal)}; no reply {gets.NoReply})");
    }

    /// <summary>How many lines the node printed after its ready line, and the first two of them (cut to 300 characters).</summary>
    public static string Printed(NodeProcess node)
    {
        var lines = node.Lines.SkipWhile(l => !l.StartsWith("ready", StringComparison.Ordinal)).Skip(1).ToList();
        return lines.Count == 0
            ? "The node printed nothing after its ready line."
            : $"The node printed {lines.Count}{(lines.Count >= 499 ? "+" : "")} lines after its ready line; the first: {string.Join(" / ", lines.Take(2).Select(l => $"`{Cut(l)}`"))}";

        static string Cut(string line) => (line.Length > 300 ? line[..300] + "…" : line).Replace('`', '\'');
    }

    private static long UsedBytes(string directory) =>
        Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

    private static async Task<(bool Ok, string Output)> RunAsync(string file, string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(info)!;
            var output = await process.StandardOutput.ReadToEndAsync().ConfigureAwait(false) + await process.StandardError.ReadToEndAsync().ConfigureAwait(false);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            return (process.ExitCode == 0, output.Trim());
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or OperationCanceledException)
        {
            return (false, e.Message);
        }
    }
}
