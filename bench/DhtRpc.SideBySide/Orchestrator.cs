using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace DhtRpc.SideBySide;

/// <summary>Starts every measured process in turn, both implementations, and prints one markdown table.</summary>
internal static class Orchestrator
{
    private static readonly string[] TasksetPaths = ["/usr/bin/taskset", "/bin/taskset", "/usr/local/bin/taskset"];

    public static async Task<int> RunAsync(Args args)
    {
        var root = FindRoot();
        var js = Path.Combine(root, "bench", "js");
        await EnsureNodeModulesAsync(root).ConfigureAwait(false);
        var nodes = args.Int("nodes", 500);
        var lookups = args.Int("lookups", 200);
        var wave = args.Int("wave", 10);
        var loadSeconds = args.Double("load-seconds", 5);
        var window = args.Int("window", 64);
        var storageNodes = args.Int("storage-nodes", 30);
        var storageOps = args.Int("storage-ops", 100);
        var jsonSize = args.Int("json-size", 1024);
        var phaseTimeout = TimeSpan.FromSeconds(args.Int("phase-timeout-s", 600));
        var pin = CanPin();
        var notes = new List<string>();
        if (!pin)
        {
            notes.Add("taskset or a second core is not available: servers and the load generator ran unpinned.");
        }

        var inv = CultureInfo.InvariantCulture;
        string I(FormattableString f) => f.ToString(inv);

        // (a) PING replies per second, server on core 0, load generator on core 1.
        Console.Error.WriteLine("[a] ping throughput");
        var loadArgs = new[] { "--seconds", loadSeconds.ToString(inv), "--warmup-seconds", "1", "--window", window.ToString(inv) };
        // Every server once per round, in turn, so that drift in the machine's speed hits all of them alike;
        // each figure is the median of its rounds.
        var rounds = Math.Max(1, args.Int("rounds", 3));
        var servers = new (string Name, string[] Command, bool Portable)[]
        {
            ("echo", Self("echo"), false),
            ("batched echo", [.. Self("echo"), "--batched", "true"], false),
            ("ours ping", Self("ping-server"), false),
            ("ours ping, portable engine", Self("ping-server"), true),
            ("dht-rpc ping", ["node", Path.Combine(js, "ping-server.mjs")], false),
        };
        if (args.Get("servers") is { } wanted)
        {
            var names = wanted.Split(',', StringSplitOptions.TrimEntries);
            servers = [.. servers.Where(s => names.Contains(s.Name))];
        }

        var pingRuns = servers.ToDictionary(s => s.Name, _ => new List<JsonDocument>());
        for (var round = 0; round < rounds; round++)
        {
            foreach (var (name, server, portable) in servers)
            {
                if (await PingThroughputAsync(server, loadArgs, pin, phaseTimeout, portable).ConfigureAwait(false) is { } run)
                {
                    pingRuns[name].Add(run);
                }
            }
        }

        if (args.Get("ping-only") == "true")
        {
            foreach (var (name, runs) in pingRuns)
            {
                Console.WriteLine($"- {name}: {string.Join(", ", runs.Select(d => Fmt(Get(d, "repliesPerSecond"), "N0")))}");
            }

            return 0;
        }

        JsonDocument? MedianRun(string name) =>
            pingRuns.TryGetValue(name, out var runs) ? runs.OrderBy(d => Get(d, "repliesPerSecond")).ElementAtOrDefault(runs.Count / 2) : null;
        var echo = MedianRun("echo");
        var batchedEcho = MedianRun("batched echo");
        var oursPing = MedianRun("ours ping");
        var oursPortablePing = MedianRun("ours ping, portable engine");
        var jsPing = MedianRun("dht-rpc ping");

        // (b, c, d) swarm: bootstrap time, RSS per node, lookup latency.
        Console.Error.WriteLine("[b-d] swarm");
        var swarmArgs = new[] { "--nodes", nodes.ToString(inv), "--lookups", lookups.ToString(inv), "--wave", wave.ToString(inv), "--timeout-ms", ((long)phaseTimeout.TotalMilliseconds).ToString(inv) };
        var oursSwarm = await RunJsonAsync([.. Self("swarm"), .. swarmArgs], phaseTimeout).ConfigureAwait(false);
        var jsSwarm = await RunJsonAsync(["node", "--expose-gc", Path.Combine(js, "swarm.mjs"), .. swarmArgs], phaseTimeout).ConfigureAwait(false);

        // (e) storage: JSON puts and gets.
        Console.Error.WriteLine("[e] storage");
        var storageArgs = new[] { "--nodes", storageNodes.ToString(inv), "--ops", storageOps.ToString(inv), "--size", jsonSize.ToString(inv), "--wave", wave.ToString(inv), "--timeout-ms", ((long)phaseTimeout.TotalMilliseconds).ToString(inv) };
        var oursStorage = await RunJsonAsync([.. Self("storage"), .. storageArgs], phaseTimeout).ConfigureAwait(false);
        var jsStorage = await RunJsonAsync(["node", Path.Combine(js, "storage.mjs"), .. storageArgs], phaseTimeout).ConfigureAwait(false);

        var table = new StringBuilder();
        table.AppendLine("| measurement | ours | dht-rpc 6.27.0 | ours / theirs | better |");
        table.AppendLine("|---|---:|---:|---:|---|");
        void Row(string name, double? ours, double? theirs, string format, string better) =>
            table.AppendLine(I($"| {name} | {Fmt(ours, format)} | {Fmt(theirs, format)} | {(ours is { } o && theirs is { } t && t != 0 ? (o / t).ToString("0.00", inv) : "n/a")} | {better} |"));

        Row(I($"(a) PING replies/s, one node on one core, window {window}, {loadSeconds} s after 1 s of warm-up, median of {rounds} rounds"), Get(oursPing, "repliesPerSecond"), Get(jsPing, "repliesPerSecond"), "N0", "higher");
        Row("(a) the same, ours on the portable UDP engine (.NET sockets, no batching)", Get(oursPortablePing, "repliesPerSecond"), Get(jsPing, "repliesPerSecond"), "N0", "higher");
        void Ceiling(string name, JsonDocument? doc) =>
            table.AppendLine(I($"| (a) ceiling: {name} under the same load | {Fmt(Get(doc, "repliesPerSecond"), "N0")} | | ours / echo {Ratio(Get(oursPing, "repliesPerSecond"), Get(doc, "repliesPerSecond"))}, theirs / echo {Ratio(Get(jsPing, "repliesPerSecond"), Get(doc, "repliesPerSecond"))} | |"));
        Ceiling("bare UDP echo (C#, recvfrom/sendto per datagram)", echo);
        Ceiling("batched UDP echo (C#, recvmmsg/sendmmsg)", batchedEcho);
        Row(I($"(b) resident memory per node, {nodes} nodes in one process (KiB)"), Get(oursSwarm, "rssPerNodeBytes") / 1024, Get(jsSwarm, "rssPerNodeBytes") / 1024, "N1", "lower");
        Row("(b) the same, ours read before the GC returns its free regions to the OS (KiB)", Get(oursSwarm, "rssPerNodeBeforeDecommitBytes") / 1024, Get(jsSwarm, "rssPerNodeBytes") / 1024, "N1", "lower");
        Row(I($"(c) time until {nodes} nodes fully bootstrapped, waves of {wave} (s)"), Get(oursSwarm, "bootstrapSeconds"), Get(jsSwarm, "bootstrapSeconds"), "N2", "lower");
        Row(I($"(d) lookup latency median, findNode of random targets ({lookups}) (ms)"), Get(oursSwarm, "lookupMedianMs"), Get(jsSwarm, "lookupMedianMs"), "N2", "lower");
        Row("(d) lookup latency p90 (ms)", Get(oursSwarm, "lookupP90Ms"), Get(jsSwarm, "lookupP90Ms"), "N2", "lower");
        Row(I($"(e) JSON puts/s, {jsonSize} B documents, {storageNodes + 1} storage nodes, {storageOps} ops"), Get(oursStorage, "putsPerSecond"), Get(jsStorage, "putsPerSecond"), "N1", "higher");
        Row("(e) JSON gets/s (same documents)", Get(oursStorage, "getsPerSecond"), Get(jsStorage, "getsPerSecond"), "N1", "higher");

        var details = new StringBuilder();
        details.AppendLine("(a) replies/s of every round:");
        details.AppendLine();
        foreach (var (name, runs) in pingRuns)
        {
            details.AppendLine($"- {name}: {string.Join(", ", runs.Select(d => Fmt(Get(d, "repliesPerSecond"), "N0")))}");
        }

        details.AppendLine();
        details.AppendLine("Raw results (JSON per process; for (a) the median round):");
        details.AppendLine();
        foreach (var (name, doc) in new[] { ("echo", echo), ("batched echo", batchedEcho), ("ours ping", oursPing), ("ours ping, portable engine", oursPortablePing), ("dht-rpc ping", jsPing), ("ours swarm", oursSwarm), ("dht-rpc swarm", jsSwarm), ("ours storage", oursStorage), ("dht-rpc storage", jsStorage) })
        {
            details.AppendLine($"- {name}: `{doc?.RootElement.GetRawText() ?? "failed or timed out"}`");
        }

        var command = "dotnet run -c Release --project bench/DhtRpc.SideBySide -- " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1));
        var section = new StringBuilder();
        section.AppendLine(I($"## Side by side, {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC"));
        section.AppendLine();
        section.AppendLine(I($"Machine: {CpuModel()}, {Environment.ProcessorCount} cores, {RamGiB():0.0} GiB RAM; .NET {Environment.Version}; node {NodeVersion()}. Command: `{command.Trim()}`"));
        section.AppendLine();
        section.AppendLine(pin
            ? "(a): the measured server pinned to core 0 (`taskset -c 0`), our load generator (separate process) to core 1; it keeps a fixed window of raw PING datagrams (distinct tids) in flight and replaces each answered or timed-out (500 ms) one, reading replies and sending their replacements in batches (recvmmsg/sendmmsg) so that it is not the bottleneck. Ours runs on the batched UDP engine (the default on 64-bit Linux) unless the row says otherwise."
            : "(a): unpinned (see note).");
        section.AppendLine("(b)-(d): one process per implementation: one bootstrapper, then nodes `ephemeral: false` bootstrapping from it in parallel waves; RSS from /proc/self/status after a full GC (V8: `global.gc()` twice; .NET: a blocking compacting collection in `GCCollectionMode.Aggressive`, which also returns the GC's free regions to the OS), minus the RSS with only the bootstrapper running (code loaded), divided by the node count. The second (b) row shows ours after an ordinary full collection, which keeps the allocation budget committed: a per-process cost that does not grow with the node count. (e): storage nodes in memory plus an ephemeral client in one process; ours uses DhtStorageClient.PutJsonAsync/GetJsonAsync, dht-rpc the study's insert (query + commit with token, command 0) and retrieve (command 1, first reply hashing to the key).");
        foreach (var note in notes)
        {
            section.AppendLine();
            section.AppendLine("Note: " + note);
        }

        section.AppendLine();
        section.Append(table);
        section.AppendLine();
        section.Append(details);
        Console.WriteLine(section.ToString());
        if (args.Get("out") is { Length: > 0 } outPath)
        {
            var directory = Path.GetDirectoryName(outPath);
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            await File.AppendAllTextAsync(outPath, Environment.NewLine + section).ConfigureAwait(false);
            Console.Error.WriteLine($"appended to {outPath}");
        }

        return 0;
    }

    private static async Task<JsonDocument?> PingThroughputAsync(string[] server, string[] loadArgs, bool pin, TimeSpan timeout, bool portableEngine = false)
    {
        using var process = Start(pin ? ["taskset", "-c", "0", .. server] : server, redirectInput: true, portableEngine);
        try
        {
            var ready = await ReadReadyAsync(process, TimeSpan.FromSeconds(60)).ConfigureAwait(false);
            if (ready is null)
            {
                return null;
            }

            string[] load = [.. Self("load"), "--target", $"127.0.0.1:{ready}", .. loadArgs];
            return await RunJsonAsync(pin ? ["taskset", "-c", "1", .. load] : load, timeout).ConfigureAwait(false);
        }
        finally
        {
            Stop(process);
        }
    }

    internal static async Task<string?> ReadReadyAsync(Process process, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (await process.StandardOutput.ReadLineAsync(cts.Token).ConfigureAwait(false) is { } line)
            {
                if (line.StartsWith("ready ", StringComparison.Ordinal))
                {
                    return line[6..].Trim();
                }
            }
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("server did not get ready in time");
        }

        return null;
    }

    internal static async Task<JsonDocument?> RunJsonAsync(string[] command, TimeSpan timeout)
    {
        using var process = Start(command, redirectInput: false);
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout + TimeSpan.FromSeconds(30));
        try
        {
            var stdout = await process.StandardOutput.ReadToEndAsync(cts.Token).ConfigureAwait(false);
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            var last = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
            if (last is null || !last.StartsWith('{'))
            {
                Console.Error.WriteLine($"{string.Join(' ', command)} printed no result; stderr: {await stderr.ConfigureAwait(false)}");
                return null;
            }

            return JsonDocument.Parse(last);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine($"{string.Join(' ', command)} timed out");
            Stop(process);
            return null;
        }
    }

    internal static Process Start(string[] command, bool redirectInput, bool portableEngine = false)
    {
        var info = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = !redirectInput,
            RedirectStandardInput = redirectInput,
            UseShellExecute = false,
        };
        if (portableEngine)
        {
            info.Environment[DhtRpc.Transport.UdpTransport.EngineVariable] = "portable";
        }

        foreach (var arg in command.Skip(1))
        {
            info.ArgumentList.Add(arg);
        }

        return Process.Start(info) ?? throw new InvalidOperationException($"cannot start {command[0]}");
    }

    internal static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    /// <summary>This program, in a given mode (through dotnet when it runs as a dll).</summary>
    internal static string[] Self(string mode)
    {
        var path = Environment.ProcessPath!;
        return Path.GetFileNameWithoutExtension(path) == "dotnet"
            ? [path, typeof(Orchestrator).Assembly.Location, mode]
            : [path, mode];
    }

    private static bool CanPin() =>
        Environment.ProcessorCount >= 2 && TasksetPaths.Any(File.Exists);

    internal static string FindRoot()
    {
        foreach (var start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "DhtRpc.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("Run from inside the repository (DhtRpc.sln not found).");
    }

    internal static async Task EnsureNodeModulesAsync(string root)
    {
        var interop = Path.Combine(root, "interop");
        if (Directory.Exists(Path.Combine(interop, "node_modules", "dht-rpc")))
        {
            return;
        }

        Console.Error.WriteLine("running npm ci in interop/");
        var info = new ProcessStartInfo("npm") { WorkingDirectory = interop, UseShellExecute = false };
        info.ArgumentList.Add("ci");
        using var npm = Process.Start(info) ?? throw new InvalidOperationException("cannot start npm");
        await npm.WaitForExitAsync().ConfigureAwait(false);
        if (npm.ExitCode != 0)
        {
            throw new InvalidOperationException("npm ci failed in interop/");
        }
    }

    /// <summary>"## TITLE, date UTC", a blank line, then the machine and the command that produced the section.</summary>
    internal static StringBuilder SectionHeader(string title)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(inv, $"## {title}, {DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm} UTC");
        text.AppendLine();
        text.Append(inv, $"Machine: {CpuModel()}, {Environment.ProcessorCount} cores; .NET {Environment.Version}; node {NodeVersion()}. Command: `dotnet run -c Release --project bench/DhtRpc.SideBySide -- {string.Join(' ', Environment.GetCommandLineArgs().Skip(1))}`");
        return text;
    }

    internal static double? Get(JsonDocument? doc, string name) =>
        doc is not null && doc.RootElement.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    internal static string Fmt(double? value, string format) => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "n/a";

    private static string Ratio(double? a, double? b) => a is { } x && b is { } y && y != 0 ? (x / y).ToString("0.00", CultureInfo.InvariantCulture) : "n/a";

    internal static string CpuModel() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
            : "unknown CPU";

    internal static double RamGiB()
    {
        var line = File.Exists("/proc/meminfo") ? File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)) : null;
        var kb = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        return kb is null ? 0 : double.Parse(kb, CultureInfo.InvariantCulture) / (1024 * 1024);
    }

    internal static string NodeVersion()
    {
        try
        {
            using var node = Process.Start(new ProcessStartInfo("node", "--version") { RedirectStandardOutput = true, UseShellExecute = false });
            var version = node?.StandardOutput.ReadToEnd().Trim();
            node?.WaitForExit(5000);
            return version ?? "?";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "not found";
        }
    }
}
