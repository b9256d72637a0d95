using System.Net;
using System.Security.Cryptography;
using System.Text;
using DhtRpc.Limits;
using DhtRpc.Wire;

namespace DhtRpc.Hostile;

/// <summary>
/// `eclipse`: in this process, an honest network (one node per /24), a victim, and an attacker holding
/// thousands of ports on one IP, some of them chosen for ids next to a target key. The attacker tells the
/// honest nodes about its targeted ports and the victim about all of them, and answers every lookup with
/// its own ports only. Measured: how much of the victim's routing table it holds, and how many of the
/// closest nodes the victim's lookups of the key return are its.
/// </summary>
internal static class EclipseBench
{
    public static readonly IPAddress AttackerAddress = IPAddress.Parse("127.66.0.1");

    private sealed record Victim(string Label, NodeLimits? Limits, string Host);

    private sealed record Outcome(Victim Victim, bool Joined, (int Owned, int Total) AfterAnnounce, (int Owned, int Total) AfterLookups, List<int> AttackerInClosest, List<int> ClosestCounts, int Failures);

    public static async Task<int> RunAsync(Args args)
    {
        var honest = args.Int("honest", 100);
        var ports = args.Int("attacker-ports", 2000);
        var targeted = args.Int("targeted", 40);
        var lookups = args.Int("lookups", 20);
        var key = args.Get("key") ?? "hostile-eclipse-target";
        var target = NodeId.Read(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
        var limited = new Victim("limits, applied to loopback", new NodeLimits { ApplyToLocalAddresses = true }, "127.0.200.1");
        var unlimited = new Victim("no limits (Limits = null)", null, "127.0.201.1");
        Victim[] victims = args.Flag("both") ? [limited, unlimited] : args.Flag("no-limits") ? [unlimited] : [limited];

        Console.Error.WriteLine($"[eclipse] {honest} honest nodes joining");
        await using var network = await LoopbackNetwork.StartAsync(honest, args.Int("wave", 10), TimeSpan.FromSeconds(args.Int("join-budget-s", 300))).ConfigureAwait(false);
        Console.Error.WriteLine($"[eclipse] {network.Nodes.Count} joined in {network.JoinTime.TotalSeconds:0.0} s; attacker binding {ports} ports");
        await using var attacker = EclipseAttacker.Start(AttackerAddress, target, ports, targeted);
        foreach (var node in network.Nodes.Append(network.Bootstrapper))
        {
            await attacker.AnnounceAsync(node.ServerEndpoint!.Value, attacker.Targeted).ConfigureAwait(false);
        }

        var outcomes = new List<Outcome>();
        var joined = new List<(Victim Victim, DhtNode Node, bool Joined)>();
        foreach (var victim in victims)
        {
            Console.Error.WriteLine($"[eclipse] victim: {victim.Label}");
            var (node, ok) = await network.JoinAsync(victim.Host, new DhtNodeOptions { Limits = victim.Limits }).ConfigureAwait(false);
            joined.Add((victim, node, ok));
            await attacker.AnnounceAsync(node.ServerEndpoint!.Value).ConfigureAwait(false);
        }

        await Task.Delay(TimeSpan.FromSeconds(3)).ConfigureAwait(false);
        foreach (var (victim, node, ok) in joined)
        {
            outcomes.Add(await MeasureAsync(victim, node, ok, attacker, target, lookups).ConfigureAwait(false));
        }

        var honestShare = await network.TableShareAsync(attacker.Owns).ConfigureAwait(false);
        var closestHonest = network.Nodes.Select(n => n.TableId).Append(network.Bootstrapper.TableId).Max(id => id.CommonPrefixLength(target));
        var text = Report.SectionHeader("Hostile traffic: eclipse by many ports on one IP", args).AppendLine().AppendLine();
        text.AppendLine(Report.Inv, $"In one process on real UDP sockets: a bootstrapper on 127.0.0.1 and {network.Nodes.Count} honest persistent nodes, each on its own /24 (127.0.i.1), joined in {network.JoinTime.TotalSeconds:0.0} s ({network.FailedJoins} did not finish joining), all with the default options (whose limits spare loopback). The attacker binds {attacker.Ports} ports on {AttackerAddress}; the first {attacker.Targeted} are those of all its ports whose ids are closest to the key sha256(\"{key}\") (a common prefix of up to {attacker.ClosestPrefix(target)} bits, against {closestHonest} bits for the closest honest node). Its raw sockets answer every request with a valid id and, as closer nodes, only its own 20 ports nearest the asked target. It announces its targeted ports to every honest node and all its ports to the victim (one PING with its id from each port), then the victim, which joined after the honest nodes were told, looks the key up {lookups} times (FIND_NODE, one after the other).");
        text.AppendLine();
        text.AppendLine("| victim | table: attacker / all, after the announcements | after the lookups | attacker nodes among the closest, per lookup (mean) | lookups returning only attacker nodes | lookups returning any | failed lookups |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var o in outcomes)
        {
            var mean = o.AttackerInClosest.Count == 0 ? double.NaN : o.AttackerInClosest.Average();
            var meanClosest = o.ClosestCounts.Count == 0 ? double.NaN : o.ClosestCounts.Average();
            var only = o.AttackerInClosest.Zip(o.ClosestCounts).Count(p => p.First > 0 && p.First == p.Second);
            var any = o.AttackerInClosest.Count(a => a > 0);
            text.AppendLine(Report.Inv, $"| {o.Victim.Label}{(o.Joined ? "" : " (did not finish joining)")} | {o.AfterAnnounce.Owned} / {o.AfterAnnounce.Total} | {o.AfterLookups.Owned} / {o.AfterLookups.Total} | {Report.F(mean, "0.0")} of {Report.F(meanClosest, "0.0")} | {only} of {o.AttackerInClosest.Count} | {any} of {o.AttackerInClosest.Count} | {o.Failures} |");
        }

        text.AppendLine();
        text.AppendLine(Report.Inv, $"Honest nodes' tables at the end: {honestShare.Owned} of {honestShare.Total} entries are the attacker's. The attacker answered {attacker.RequestsAnswered:N0} requests. Targets: the attacker holds at most a few entries of the victim's table (one IP: per-IP limits), and no lookup returns attacker nodes only.");
        foreach (var (_, node, _) in joined)
        {
            await node.DisposeAsync().ConfigureAwait(false);
        }

        await Report.EmitAsync(text, args).ConfigureAwait(false);
        return 0;
    }

    private static async Task<Outcome> MeasureAsync(Victim victim, DhtNode node, bool joined, EclipseAttacker attacker, NodeId target, int lookups)
    {
        var afterAnnounce = await ShareAsync(node, attacker).ConfigureAwait(false);
        var inClosest = new List<int>();
        var closestCounts = new List<int>();
        var failures = 0;
        for (var i = 0; i < lookups; i++)
        {
            var query = node.FindNode(target);
            try
            {
                await query.Completion.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
            }
            catch (Exception e) when (e is DhtException or TimeoutException)
            {
                failures++;
                await query.StopAsync().ConfigureAwait(false);
                continue;
            }

            var closest = query.ClosestNodes;
            inClosest.Add(closest.Count(peer => attacker.Owns(peer.Endpoint)));
            closestCounts.Add(closest.Count);
        }

        var afterLookups = await ShareAsync(node, attacker).ConfigureAwait(false);
        Console.Error.WriteLine($"[eclipse] {victim.Label}: table {afterAnnounce.Owned}/{afterAnnounce.Total}, then {afterLookups.Owned}/{afterLookups.Total}; attacker in closest: {string.Join(',', inClosest)}");
        return new Outcome(victim, joined, afterAnnounce, afterLookups, inClosest, closestCounts, failures);
    }

    private static async Task<(int Owned, int Total)> ShareAsync(DhtNode node, EclipseAttacker attacker)
    {
        var table = await node.GetRoutingTableAsync().ConfigureAwait(false);
        return (table.Count(entry => attacker.Owns(entry.Endpoint)), table.Count);
    }
}
