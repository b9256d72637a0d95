using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace DhtRpc.SideBySide;

/// <summary>One fresh client's figures after churn (milliseconds); Error is set when it found nothing.</summary>
internal sealed record ChurnSample(double? JoinMs, double? LookupMs, double ProcessMs, int Closest, string? Error, double? GetMs = null, bool? GetFound = null)
{
    public bool Found => Error is null && Closest > 0;
}

/// <summary>
/// Lookups after churn, both implementations in one run: a bootstrapper process, --nodes nodes spread
/// over --processes processes, a share of those processes killed with SIGKILL, then --lookups fresh
/// client processes one after the other, each joining and running one FIND_NODE of a random target.
/// A new network for every churn share, so that one share's damage does not carry into the next.
/// </summary>
internal static class ChurnBench
{
    public static async Task<int> RunAsync(Args args)
    {
        var root = Orchestrator.FindRoot();
        var js = Path.Combine(root, "bench", "js");
        await Orchestrator.EnsureNodeModulesAsync(root).ConfigureAwait(false);
        var nodes = args.Int("nodes", 100);
        var processes = args.Int("processes", 10);
        var lookups = args.Int("lookups", 10);
        var settle = TimeSpan.FromSeconds(args.Double("settle-s", 3));
        var gets = args.Get("gets") == "true";
        var shares = (args.Get("kill") ?? "0,10,30,50").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var impls = new (string Name, string[] Host, string[] Client)[]
        {
            ("ours", Orchestrator.Self("churn-host"), Orchestrator.Self("churn-client")),
            ("dht-rpc", ["node", Path.Combine(js, "churn-host.mjs")], ["node", Path.Combine(js, "churn-client.mjs")]),
        };

        if (args.Get("impl") is { } only)
        {
            impls = [.. impls.Where(i => i.Name == only)];
        }

        var results = new Dictionary<(string Impl, int Share), List<ChurnSample>>();
        foreach (var share in shares)
        {
            foreach (var (name, host, client) in impls)
            {
                Console.Error.WriteLine($"[churn] {name}, {share}% of {nodes} nodes killed");
                results[(name, share)] = await RunOneAsync(host, client, nodes, processes, share, lookups, settle, gets).ConfigureAwait(false);
            }
        }

        var report = ChurnReport.Render(results, shares, nodes, processes, lookups, settle, args);
        Console.WriteLine(report);
        if (args.Get("out") is { Length: > 0 } outPath)
        {
            await File.AppendAllTextAsync(outPath, Environment.NewLine + report).ConfigureAwait(false);
            Console.Error.WriteLine($"appended to {outPath}");
        }

        if (args.Get("plot") is { Length: > 0 } plotPath)
        {
            await File.WriteAllBytesAsync(plotPath, ChurnChart.RenderPng(results, shares)).ConfigureAwait(false);
            Console.Error.WriteLine($"wrote {plotPath}");
        }

        return 0;
    }

    /// <param name="gets">Storage hosts; before the kill one client stores a document per lookup, and each fresh client then also gets one.</param>
    private static async Task<List<ChurnSample>> RunOneAsync(string[] host, string[] client, int nodes, int processes, int share, int lookups, TimeSpan settle, bool gets)
    {
        var started = new List<Process>();
        var samples = new List<ChurnSample>();
        try
        {
            string[] storage = gets ? ["--storage", "true"] : [];
            var boot = Orchestrator.Start([.. host, "--bootstrapper", "true", .. storage], redirectInput: true);
            started.Add(boot);
            var port = await Orchestrator.ReadReadyAsync(boot, TimeSpan.FromSeconds(60)).ConfigureAwait(false)
                ?? throw new InvalidOperationException("the bootstrapper did not start");
            var bootstrap = $"127.0.0.1:{port}";
            var hosts = new List<Process>();
            for (var p = 0; p < processes; p++)
            {
                var count = (nodes / processes) + (p < nodes % processes ? 1 : 0);
                hosts.Add(Orchestrator.Start([.. host, "--bootstrap", bootstrap, "--nodes", count.ToString(CultureInfo.InvariantCulture), .. storage], redirectInput: true));
            }

            started.AddRange(hosts);
            var ready = await Task.WhenAll(hosts.Select(h => Orchestrator.ReadReadyAsync(h, TimeSpan.FromSeconds(120)))).ConfigureAwait(false);
            if (ready.Any(r => r is null))
            {
                throw new InvalidOperationException("a host process did not get ready");
            }

            await Task.Delay(settle).ConfigureAwait(false);
            var keys = new List<string>();
            if (gets)
            {
                var stored = await Orchestrator.RunJsonAsync([.. client, "--bootstrap", bootstrap, "--put", lookups.ToString(CultureInfo.InvariantCulture), "--timeout-ms", "60000"], TimeSpan.FromSeconds(120)).ConfigureAwait(false);
                if (stored is not null && stored.RootElement.TryGetProperty("keys", out var list))
                {
                    keys.AddRange(list.EnumerateArray().Select(k => k.GetString()!));
                }
            }

            var kill = (int)Math.Round(processes * share / 100.0);
            foreach (var victim in hosts.OrderBy(_ => Random.Shared.Next()).Take(kill))
            {
                victim.Kill(); // SIGKILL: no goodbye, the way a crashed or disconnected node leaves
            }

            for (var i = 0; i < lookups; i++)
            {
                var clock = Stopwatch.StartNew();
                string[] get = keys.Count > 0 ? ["--get", keys[i % keys.Count]] : [];
                var doc = await Orchestrator.RunJsonAsync([.. client, "--bootstrap", bootstrap, "--timeout-ms", "60000", .. get], TimeSpan.FromSeconds(120)).ConfigureAwait(false);
                samples.Add(ToSample(doc, clock.Elapsed.TotalMilliseconds));
            }
        }
        finally
        {
            foreach (var process in started)
            {
                Orchestrator.Stop(process);
                process.Dispose();
            }
        }

        return samples;
    }

    private static ChurnSample ToSample(JsonDocument? doc, double processMs)
    {
        if (doc is null)
        {
            return new ChurnSample(null, null, processMs, 0, "no result");
        }

        var error = doc.RootElement.TryGetProperty("error", out var e) ? e.GetString() : null;
        var closest = doc.RootElement.TryGetProperty("closest", out var c) ? c.GetInt32() : 0;
        bool? found = doc.RootElement.TryGetProperty("found", out var f) ? f.GetBoolean() : null;
        return new ChurnSample(Orchestrator.Get(doc, "joinMs"), Orchestrator.Get(doc, "lookupMs"), processMs, closest, error, Orchestrator.Get(doc, "getMs"), found);
    }
}
