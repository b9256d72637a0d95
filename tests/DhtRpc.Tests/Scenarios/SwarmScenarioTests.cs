using DhtRpc.Simulation;
using DhtRpc.Wire;
using DhtRpc.Query;
using DhtRpc.Rpc;
using DhtRpc.Tests.Node;
using Xunit;

namespace DhtRpc.Tests.Scenarios;

/// <summary>
/// dht-rpc's test.js scenarios 5–22 (spec §13) on the simulated network: every timer runs on the
/// virtual clock, so timeouts, retries and delayed pings cost no wall-clock time and every run is
/// identical.
/// </summary>
public sealed class SwarmScenarioTests
{
    private static readonly NodeId ZeroTarget = NodeId.Read(new byte[NodeId.Size]);

    // test.js: 'make tiny swarm'
    [Fact]
    public void Scenario05_MakeTinySwarm()
    {
        var swarm = new SimulatedSwarm(seed: 5).Make(2);

        Assert.All(swarm.Nodes, n => Assert.True(n.Bootstrapped));
    }

    // test.js: 'metrics'
    [Fact]
    public void Scenario06_Metrics()
    {
        var swarm = new SimulatedSwarm(seed: 6).Make(2);
        var (swarm1, swarm2) = (swarm[0], swarm[1]);

        swarm.Run(async () =>
        {
            var ping = swarm1.PingAsync(swarm2.PublicEndpoint!.Value);
            Assert.Equal((1L, 0L), (swarm1.Stats.Ping.Tx, swarm1.Stats.Ping.Rx));
            await ping;
            Assert.Equal((1L, 1L), (swarm1.Stats.Ping.Tx, swarm1.Stats.Ping.Rx));
        });
    }

    // test.js: 'delayed ping'
    [Fact]
    public void Scenario07_DelayedPing()
    {
        var swarm = new SimulatedSwarm(seed: 7).Make(2);
        var (swarm1, swarm2) = (swarm[0], swarm[1]);

        var start = swarm.Host.Now;
        swarm.Run(() => swarm1.DelayedPingAsync(swarm2.PublicEndpoint!.Value, TimeSpan.FromMilliseconds(1100)));
        var elapsed = swarm.Host.Now - start;

        Assert.True(elapsed >= TimeSpan.FromMilliseconds(1100), $"ping delayed for only {elapsed}");
    }

    // test.js: 'delayed ping - rejects when delay exceeds client cap'
    [Fact]
    public void Scenario08_DelayedPingRejectsWhenDelayExceedsClientCap()
    {
        var swarm = new SimulatedSwarm(seed: 8).Make(2);
        var (swarm1, swarm2) = (swarm[0], swarm[1]);

        var error = Assert.Throws<ArgumentOutOfRangeException>(
            () => swarm.Run(() => swarm1.DelayedPingAsync(swarm2.PublicEndpoint!.Value, TimeSpan.FromMilliseconds(10_001))));

        Assert.Contains("Delay exceeds max delay: 10000ms", error.Message, StringComparison.Ordinal);
    }

    // test.js: 'delayed ping - server times out when exceeding delay'
    [Fact]
    public void Scenario09_DelayedPingServerTimesOutWhenExceedingDelay()
    {
        var swarm = new SimulatedSwarm(seed: 9);
        var server = swarm.Add(new DhtNodeOptions { Ephemeral = false, Firewalled = false, MaxPingDelay = TimeSpan.FromMilliseconds(1000) });
        swarm.Run(server.FullyBootstrappedAsync);
        var client = swarm.Add(new DhtNodeOptions
        {
            Ephemeral = false,
            Firewalled = false,
            Bootstrap = [$"localhost:{server.ServerEndpoint!.Value.Port}"],
        });
        swarm.Run(client.FullyBootstrappedAsync);

        var error = Assert.Throws<DhtException>(
            () => swarm.Run(() => client.DelayedPingAsync(server.PublicEndpoint!.Value, TimeSpan.FromMilliseconds(1001))));

        Assert.Equal(DhtErrorCode.RequestTimeout, error.Code);
        Assert.Contains("REQUEST_TIMEOUT", error.Message, StringComparison.Ordinal);
    }

    // test.js: 'make bigger swarm' (500 nodes; the real-UDP run is in the integration tests)
    [Fact]
    public void Scenario10_MakeBiggerSwarm()
    {
        var swarm = new SimulatedSwarm(seed: 10).Make(500);
        var target = swarm[25].Id!.Value;

        var (found, q) = FindUntilTarget(swarm, swarm[499].FindNode(target), target);
        Assert.True(found, "found target");
        var replies = q.ClosestReplies.ToList();

        (found, _) = FindUntilTarget(swarm, swarm[490].FindNode(target, new QueryOptions { Nodes = q.ClosestNodes }), target);
        Assert.True(found, "found target again from the closest nodes");

        (found, _) = FindUntilTarget(swarm, swarm[470].FindNode(target, new QueryOptions { Replies = replies }), target);
        Assert.True(found, "found target again with the original replies");

        var node = swarm[490];
        Assert.False(node.Firewalled);
        Assert.Equal(node.Address!.Value.Port, node.PublicEndpoint!.Value.Port);
        Assert.Equal(0x7F000001u, node.PublicEndpoint!.Value.Address);

        // Nobody timed out, so no down hints were sent or received.
        Assert.Equal(0, swarm.Nodes.Sum(n => n.Stats.DownHint.Rx));
        Assert.Equal(0, swarm.Nodes.Sum(n => n.Stats.DownHint.Tx));
    }

    // test.js: 'commit after query'
    [Fact]
    public void Scenario11_CommitAfterQuery()
    {
        const ulong before = 0;
        const ulong after = 1;
        var swarm = new SimulatedSwarm(seed: 11).Make(100);
        var commits = 0;
        foreach (var node in swarm.Nodes)
        {
            node.RequestHandler = req =>
            {
                if (req.Command == before)
                {
                    req.Reply(null);
                }
                else if (req.Command == after && req.Token is not null)
                {
                    commits++;
                    req.Reply(null);
                }
            };
        }

        var querier = swarm[42];
        var q = querier.Query(
            swarm[0].TableId,
            before,
            options: new QueryOptions
            {
                Commit = (reply, query, ct) =>
                    querier.RequestAsync(new DhtRequest(after, query.Target, Token: reply.Token), reply.From.Endpoint, cancellationToken: ct),
            });
        swarm.Run(() => q.Completion);

        Assert.Equal(querier.Options.K, commits);
    }

    // test.js: 'map query stream' — dht-rpc's map option is a projection over the reply stream; here it is a
    // Select-like projection over the async stream, dropping (like map returning null) everything after the fourth reply.
    [Fact]
    public void Scenario12_MapQueryStream()
    {
        var swarm = new SimulatedSwarm(seed: 12).Make(10);
        var expected = new List<NodeId?>();
        var q = swarm[0].FindNode(swarm[0].TableId);
        q.OnReply += reply =>
        {
            if (expected.Count <= 3)
            {
                expected.Add(reply.From.Id);
            }
        };

        var buf = swarm.Run(async () =>
        {
            var list = new List<NodeId?>();
            await foreach (var id in Map(q, (data, i) => i <= 3 ? data.From.Id : null))
            {
                list.Add(id);
            }

            await q.Completion;
            return list;
        });

        Assert.NotEmpty(expected);
        Assert.Equal(expected, buf);
        Assert.All(buf, id => Assert.Contains(swarm.Nodes, n => n.Id == id));
    }

    // test.js: 'timeouts'
    [Fact]
    public void Scenario13_Timeouts()
    {
        const ulong nope = 52;
        var swarm = new SimulatedSwarm(seed: 13).Make(3, new DhtNodeOptions { Hedging = null }); // dht-rpc's timing: every retry awaited
        var (a, b) = (swarm[1], swarm[2]);
        var tries = IgnoreCommand(b, nope);

        swarm.Run(() => a.Query(ZeroTarget, nope).Completion);

        Assert.Equal(6, tries.Count);
        Assert.Equal(1, a.Stats.DownHint.Tx);
    }

    // test.js: 'timeouts - downhints disabled' — user command 3 is not the internal DOWN_HINT
    [Fact]
    public void Scenario14_TimeoutsDownHintsDisabled()
    {
        const ulong nope = Commands.DownHint;
        var swarm = new SimulatedSwarm(seed: 14).Make(3, new DhtNodeOptions { SendDownHints = false, Hedging = null }); // dht-rpc's timing
        var (a, b) = (swarm[1], swarm[2]);
        var tries = IgnoreCommand(b, nope);

        swarm.Run(() => a.Query(ZeroTarget, nope).Completion);

        Assert.Equal(6, tries.Count);
        Assert.Equal(0, a.Stats.DownHint.Tx);
    }

    // test.js: 'request with/without retries'
    [Fact]
    public void Scenario15_RequestWithWithoutRetries()
    {
        const ulong nope = 442;
        var swarm = new SimulatedSwarm(seed: 15).Make(3);
        var (a, b) = (swarm[1], swarm[2]);
        var tries = IgnoreCommand(b, nope);
        var to = Ipv4Endpoint.Loopback(b.Address!.Value.Port);

        var error = Assert.Throws<DhtException>(() => swarm.Run(() => a.RequestAsync(new DhtRequest(nope), to)));
        Assert.Equal(DhtErrorCode.RequestTimeout, error.Code);
        Assert.Equal(4, tries.Count);
        Assert.Equal(4 - 1, a.Stats.Requests.Retries);

        error = Assert.Throws<DhtException>(() => swarm.Run(() => a.RequestAsync(new DhtRequest(nope), to, new RequestOptions { Retry = false })));
        Assert.Equal(DhtErrorCode.RequestTimeout, error.Code);
        Assert.Equal(5, tries.Count);
        Assert.Equal(4 - 1, a.Stats.Requests.Retries);
    }

    // test.js: 'ratelimit downhint commands'
    [Fact]
    public void Scenario16_RateLimitDownHintCommands()
    {
        const ulong nope = 52;
        var swarm = new SimulatedSwarm(seed: 16).Make(4, new DhtNodeOptions { DownHintsRateLimit = 1 });
        var (a, b) = (swarm[1], swarm[2]);
        var tries = IgnoreCommand(b, nope);
        var queryOptions = new QueryOptions { Retries = 0 };

        // Both queries must fall in one tick of a (the budget is per tick): start right after one.
        WaitForNextTick(swarm, a);
        var startTick = a.Tick;
        swarm.Run(() => a.Query(b.Id!.Value, nope, options: queryOptions).Completion);
        swarm.Run(() => a.Query(b.Id!.Value, nope, options: queryOptions).Completion);
        Assert.Equal(startTick, a.Tick);

        Assert.Equal(2, tries.Count);
        Assert.Equal(1, a.Stats.DownHint.Tx);

        // Wait for the tick (the original calls _ontick by hand): it resets the budget.
        WaitForNextTick(swarm, a);

        swarm.Run(() => a.Query(b.Id!.Value, nope, options: queryOptions).Completion);

        Assert.Equal(3, tries.Count);
        Assert.Equal(2, a.Stats.DownHint.Tx);
    }

    // test.js: 'ratelimit downhint can be 0'
    [Fact]
    public void Scenario17_RateLimitDownHintCanBeZero()
    {
        const ulong nope = 52;
        var swarm = new SimulatedSwarm(seed: 17).Make(4, new DhtNodeOptions { DownHintsRateLimit = 0 });
        var (a, b) = (swarm[1], swarm[2]);
        var tries = IgnoreCommand(b, nope);
        var queryOptions = new QueryOptions { Retries = 0 };

        swarm.Run(() => a.Query(b.Id!.Value, nope, options: queryOptions).Completion);
        swarm.Run(() => a.Query(b.Id!.Value, nope, options: queryOptions).Completion);

        Assert.Equal(2, tries.Count);
        Assert.Equal(0, a.Stats.DownHint.Tx);

        WaitForNextTick(swarm, a);

        swarm.Run(() => a.Query(b.Id!.Value, nope, options: queryOptions).Completion);

        Assert.Equal(3, tries.Count);
        Assert.Equal(0, a.Stats.DownHint.Tx);
    }

    // test.js: 'shorthand commit'
    [Fact]
    public void Scenario18_ShorthandCommit()
    {
        var swarm = new SimulatedSwarm(seed: 18).Make(40);
        var tokens = 0;
        var notTokens = 0;
        foreach (var node in swarm.Nodes)
        {
            node.RequestHandler = req =>
            {
                if (req.Token is not null)
                {
                    tokens++;
                }
                else
                {
                    notTokens++;
                }

                req.Reply(null);
            };
        }

        swarm.Run(() => swarm[0].Query(ZeroTarget, 42, options: new QueryOptions { AutoCommit = true }).Completion);

        Assert.Equal(20, tokens);
        Assert.True(notTokens >= tokens, $"{notTokens} requests without a token, {tokens} with");
    }

    // test.js: 'timeouts when commiting'
    [Fact]
    public void Scenario20_TimeoutsWhenCommitting()
    {
        const ulong nope = 41;
        var swarm = new SimulatedSwarm(seed: 20).Make(3, new DhtNodeOptions { Hedging = null }); // dht-rpc's timing: every retry awaited
        var (a, b) = (swarm[1], swarm[2]);
        var tries = IgnoreCommand(b, nope);

        var q = a.Query(ZeroTarget, nope, options: new QueryOptions { AutoCommit = true });
        var error = Record.Exception(() => swarm.Run(() => q.Completion));

        Assert.NotNull(error);
        Assert.Equal(6, tries.Count);
    }

    // test.js: 'toArray'
    [Fact]
    public void Scenario21_ToArray()
    {
        var swarm = new SimulatedSwarm(seed: 21).Make(3);
        var (bootstrap, a, b) = (swarm[0], swarm[1], swarm[2]);
        var aAddress = Ipv4Endpoint.Loopback(a.Address!.Value.Port);
        var bAddress = Ipv4Endpoint.Loopback(b.Address!.Value.Port);
        var both = new[] { aAddress, bAddress }.OrderBy(e => e.Port).ToList();

        Assert.Equal([bAddress], swarm.Run(() => a.GetNodesAsync()));
        Assert.Equal([aAddress], swarm.Run(() => b.GetNodesAsync()));
        Assert.Equal(both, swarm.Run(() => bootstrap.GetNodesAsync()).OrderBy(e => e.Port));

        Assert.Empty(swarm.Run(() => bootstrap.GetNodesAsync(limit: 0)));
        Assert.Equal([bAddress], swarm.Run(() => bootstrap.GetNodesAsync(limit: 1)));
        Assert.Equal(both, swarm.Run(() => bootstrap.GetNodesAsync(limit: 2)).OrderBy(e => e.Port));
        Assert.Equal(both, swarm.Run(() => bootstrap.GetNodesAsync(limit: 10)).OrderBy(e => e.Port));
    }

    // test.js: 'addNode / nodes option'
    [Fact]
    public void Scenario22_AddNodeNodesOption()
    {
        var swarm = new SimulatedSwarm(seed: 22).Make(2);
        var (bootstrap, a) = (swarm[0], swarm[1]);
        var values = new List<byte[]?>();
        a.RequestHandler = req =>
        {
            values.Add(req.Value);
            req.Reply("world"u8.ToArray());
        };

        swarm.Run(bootstrap.FullyBootstrappedAsync);
        swarm.Run(a.FullyBootstrappedAsync);

        var aAddress = Ipv4Endpoint.Loopback(a.Address!.Value.Port);
        var b = swarm.Add(new DhtNodeOptions { Ephemeral = false, Nodes = [aAddress] });
        swarm.Run(b.FullyBootstrappedAsync);

        Assert.Equal([aAddress], swarm.Run(() => b.GetNodesAsync()));

        var responses = swarm.Run(() => b.Query(a.Id!.Value, 52).ToListAsync());

        Assert.Single(responses);
        Assert.Equal("world"u8.ToArray(), responses[0].Value);
        Assert.Equal([null], values);

        Assert.Equal([Ipv4Endpoint.Loopback(b.Address!.Value.Port)], swarm.Run(() => a.GetNodesAsync()));
    }

    /// <summary>
    /// dht-rpc's map: projects every reply and leaves out null results. Written out rather than taken from
    /// System.Linq.AsyncEnumerable, whose operators resume on the thread pool and so would step outside the
    /// simulation loop.
    /// </summary>
    private static async IAsyncEnumerable<TResult> Map<TResult>(IAsyncEnumerable<DhtResponse> source, Func<DhtResponse, int, TResult?> map)
        where TResult : struct
    {
        var index = 0;
        await foreach (var data in source)
        {
            if (map(data, index++) is { } mapped)
            {
                yield return mapped;
            }
        }
    }

    /// <summary>Installs a handler on <paramref name="node"/> that records but never answers <paramref name="command"/>.</summary>
    private static List<IncomingRequest> IgnoreCommand(DhtNode node, ulong command)
    {
        var seen = new List<IncomingRequest>();
        node.RequestHandler = req =>
        {
            if (req.Command == command)
            {
                seen.Add(req);
            }
        };
        return seen;
    }

    /// <summary>Iterates the query until a reply comes from <paramref name="target"/> (like the original's for-await with break).</summary>
    private static (bool Found, DhtQuery Query) FindUntilTarget(SimulatedSwarm swarm, DhtQuery query, NodeId target)
    {
        var found = swarm.Run(async () =>
        {
            await foreach (var data in query)
            {
                if (data.From.Id == target)
                {
                    return true;
                }
            }

            return false;
        });

        // Let the walk finish so the next query sees settled tables, as the original's destroy-on-break does.
        swarm.Run(() => query.Completion);
        return (found, query);
    }

    /// <summary>Advances the virtual clock in small steps until <paramref name="node"/> ticks (at most ~two tick intervals).</summary>
    private static void WaitForNextTick(SimulatedSwarm swarm, DhtNode node)
    {
        var tick = node.Tick;
        for (var i = 0; i < 200 && node.Tick == tick; i++)
        {
            swarm.Host.Advance(TimeSpan.FromMilliseconds(50));
        }

        Assert.NotEqual(tick, node.Tick);
    }
}
