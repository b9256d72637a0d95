using System.Security.Cryptography;
using DhtRpc.Wire;
using DhtRpc.Storage.Client;

namespace DhtRpc.Storage.Tests.Acceptance;

/// <summary>Content survives losing 30% of the nodes: holders republish to the new closest nodes.</summary>
public sealed class ChurnTests(ITestOutputHelper output)
{
    private const int Nodes = 200;
    private const int Values = 1000;
    private const int WellReplicated = 10;

    private static readonly StorageOptions Options = new()
    {
        RepublishInterval = TimeSpan.FromMinutes(10),
        RecordTtl = TimeSpan.FromMinutes(30),
    };

    [Fact]
    public void EveryValueSurvivesThirtyPercentChurnAndOneRepublishRound()
    {
        var net = new SimulatedStorageSwarm(Nodes, Options, seed: 7);
        var random = new Random(42);
        var start = net.Host.Now;

        var values = new List<byte[]>(Values);
        for (var i = 0; i < Values; i++)
        {
            var value = new byte[random.Next(8, 200)];
            random.NextBytes(value);
            values.Add(value);
        }

        var publishers = values.Select(_ => random.Next(Nodes)).ToList();
        var keys = new NodeId[Values];
        var replicas = new int[Values];
        net.Host.Run(() => SimulatedStorageSwarm.InBatchesAsync(values, 50, async (value, i) =>
        {
            var put = await new DhtStorageClient(net.Swarm[publishers[i]]).PutAsync(value);
            keys[i] = put.Key;
            replicas[i] = put.Replicas;
        }));
        Assert.Equal(Values, keys.Distinct().Count());
        Assert.All(replicas, r => Assert.True(r > 0));
        output.WriteLine($"puts: {replicas.Min()}-{replicas.Max()} replicas each; virtual time {net.Host.Now - start}");

        // A quiet interval and a half: every holder was just stored to, so nobody republishes in its first round.
        net.Host.Advance(Options.RepublishInterval * 1.5);
        Assert.All(keys, key => Assert.True(net.LiveHolders(key) > 0));

        // 30% of the nodes stop for good (this seed leaves some values with fewer than 10 live copies).
        var churn = new Random(26);
        foreach (var index in Enumerable.Range(0, Nodes).OrderBy(_ => churn.Next()).Take(Nodes * 3 / 10).ToList())
        {
            net.Stop(index);
        }

        var before = keys.Select(net.LiveHolders).ToArray();
        Assert.Contains(before, n => n < WellReplicated);
        var republishedBefore = net.Storage.Sum(s => s.Stats.Republished);

        // One republish interval: the surviving holders push their records to the current closest nodes.
        net.Host.Advance(Options.RepublishInterval);
        var after = keys.Select(net.LiveHolders).ToArray();
        var republished = net.Storage.Sum(s => s.Stats.Republished) - republishedBefore;
        Assert.True(republished > 0);
        output.WriteLine($"live holders: before the round {before.Min()}-{before.Max()} (mean {before.Average():F1}), after {after.Min()}-{after.Max()} (mean {after.Average():F1}); {republished} records republished");

        var alive = net.Alive.ToList();
        var readers = keys.Select(_ => alive[random.Next(alive.Count)]).ToList();
        var fetched = new byte[]?[Values];
        net.Host.Run(() => SimulatedStorageSwarm.InBatchesAsync(keys, 50, async (key, i) =>
        {
            fetched[i] = await new DhtStorageClient(net.Swarm[readers[i]]).GetAsync(key);
        }));

        var missing = Enumerable.Range(0, Values).Where(i => fetched[i] is null).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} values not found; live holders before/after of the first: {string.Join(", ", missing.Take(5).Select(i => $"{before[i]}/{after[i]}"))}");
        for (var i = 0; i < Values; i++)
        {
            Assert.Equal(values[i], fetched[i]);
            Assert.Equal(NodeId.Read(SHA256.HashData(fetched[i]!)), keys[i]);
        }

        // The republish is what restores replication: no value lost copies, and some regained many.
        Assert.All(Enumerable.Range(0, Values), i => Assert.True(after[i] >= before[i], $"value {i}: {before[i]} live holders before, {after[i]} after"));
        var wellBefore = before.Count(n => n >= WellReplicated);
        var wellAfter = after.Count(n => n >= WellReplicated);
        Assert.True(wellAfter > wellBefore, $"values with at least {WellReplicated} live holders: {wellBefore} before, {wellAfter} after the republish");
        output.WriteLine($"values with >= {WellReplicated} live holders: {wellBefore} before, {wellAfter} after; virtual time {net.Host.Now - start}");
    }
}
