using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using DhtRpc.Crypto;
using DhtRpc.Simulation;
using DhtRpc.Wire;

namespace DhtRpc.Cli.Simulate;

/// <summary>
/// Builds a network of many <see cref="DhtNode"/>s on one <see cref="SimulationHost"/> (each on its own
/// host 10.x.y.z, all on one port) and measures FIND_NODE lookups of live node ids, optionally with a
/// share of the hosts taken offline.
/// </summary>
/// <remarks>
/// Construction: node 0 is a bootstrapper; the others join in waves that double in size up to
/// <see cref="ScaleOptions.MaxWave"/>. Every newcomer is a persistent, non-firewalled node (id = hash of
/// its address, as a bootstrapper's) whose routing table is seeded with a few random nodes that joined
/// earlier; it then runs the normal join (queries for its own id), which fills its table and announces it.
/// No node needs a central bootstrap node, so joining costs O(log N) messages per node.
/// </remarks>
internal sealed partial class ScaleExperiment
{
    public const ushort Port = 10000;
    private const uint FirstHost = 0x0A000001; // 10.0.0.1

    private readonly ScaleOptions _options;
    private readonly Random _random;
    private readonly List<DhtNode> _nodes = [];
    private readonly List<uint> _hosts = [];
    private readonly HashSet<int> _offline = [];
    private int[]? _goneOrder;

    [SuppressMessage("Security", "CA5394:Do not use insecure randomness", Justification = "A seeded, reproducible experiment.")]
    public ScaleExperiment(ScaleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Nodes, 2);
        if (options.Nodes > 0xFFFFFD)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "At most 16,777,213 nodes fit in 10.0.0.0/8.");
        }

        _options = options;
        _random = new Random(options.Seed);
        Host = new SimulationHost(new SimulatedNetworkOptions
        {
            Latency = options.Latency,
            Jitter = options.Jitter,
            LossProbability = options.Loss,
            Seed = options.Seed,
        });
    }

    public SimulationHost Host { get; }

    public IReadOnlyList<DhtNode> Nodes => _nodes;

    /// <summary>Expected hops of a Kademlia lookup with buckets of k: log2(N) / log2(2k) (see the remarks of the simulate command).</summary>
    public static double ExpectedHops(int nodes, int k = 20) => Math.Log2(nodes) / Math.Log2(2.0 * k);

    public static string Describe(ScaleOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return FormattableString.Invariant(
            $"{options.Nodes} nodes on one virtual-time host, each on its own address 10.x.y.z:{Port}; node 0 a bootstrapper, the rest joined in waves doubling up to {options.MaxWave} at once, each newcomer persistent (id = hash of its address) with {options.SeedPeers} random earlier nodes seeded into its routing table, then its normal join (two self-lookups){(options.ConvergeTables ? "; then every routing table topped up (addNode) to a converged Kademlia table: each row min(k, nodes that belong in it), random members" : "; tables as the joins left them")}. Latency {options.Latency.TotalMilliseconds} ms, jitter {options.Jitter.TotalMilliseconds} ms, loss {options.Loss}, seed {options.Seed}.");
    }

    /// <summary>Creates and joins every node; returns what it cost.</summary>
    public ScaleBuild Build()
    {
        var wall = Stopwatch.StartNew();
        var startVirtual = Host.Clock.Elapsed;
        var startDatagrams = Host.Network.DatagramsSent;
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var beforeWs = Environment.WorkingSet;

        var first = Create(0, []);
        Host.Run(first.FullyBootstrappedAsync);
        var waves = 1;
        var wave = 1;
        while (_nodes.Count < _options.Nodes)
        {
            _options.Stop.ThrowIfCancellationRequested();
            var joined = _nodes.Count;
            var size = Math.Min(Math.Min(wave, _options.MaxWave), _options.Nodes - joined);
            var batch = new List<DhtNode>(size);
            for (var i = 0; i < size; i++)
            {
                batch.Add(Create(_nodes.Count, PickSeeds(joined)));
            }

            // Await each on the loop: Task.WhenAll over the nodes' completion sources would finish on
            // the thread pool while the loop kept firing virtual timers.
            Host.Run(async () =>
            {
                foreach (var node in batch)
                {
                    await node.FullyBootstrappedAsync().ConfigureAwait(true);
                }
            });
            wave = Math.Min(wave * 2, _options.MaxWave);
            waves++;
        }

        var joinedTables = MeasureTables();
        if (_options.ConvergeTables)
        {
            ConvergeTables();
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        var tables = Host.Run(async () =>
        {
            long total = 0;
            foreach (var node in _nodes)
            {
                total += (await node.GetRoutingTableAsync().ConfigureAwait(true)).Count;
            }

            return total;
        });
        return new ScaleBuild(
            _nodes.Count,
            waves,
            wall.Elapsed,
            Host.Clock.Elapsed - startVirtual,
            Host.Network.DatagramsSent - startDatagrams,
            after - before,
            Environment.WorkingSet - beforeWs,
            (double)tables / _nodes.Count,
            joinedTables,
            _options.ConvergeTables ? MeasureTables() : joinedTables);
    }

    /// <summary>
    /// Takes offline (cumulatively, in one fixed random order) nodes until <paramref name="gone"/> of them
    /// are gone, then runs the lookups: random live origin, random other live node's id as target.
    /// </summary>
    [SuppressMessage("Security", "CA5394:Do not use insecure randomness", Justification = "A seeded, reproducible experiment.")]
    public ScaleRow RunLookups(double gone)
    {
        if (gone is < 0 or >= 1 or double.NaN)
        {
            throw new ArgumentOutOfRangeException(nameof(gone), "The gone fraction must be in [0, 1).");
        }

        TakeOffline((int)Math.Round(gone * _nodes.Count));
        var live = Enumerable.Range(0, _nodes.Count).Where(i => !_offline.Contains(i)).ToArray();
        if (live.Length < 2)
        {
            throw new InvalidOperationException("Fewer than two live nodes are left.");
        }

        var wall = Stopwatch.StartNew();
        var startVirtual = Host.Clock.Elapsed;
        var hops = new List<double>(_options.Lookups);
        var requests = 0.0;
        var datagrams = 0.0;
        var successes = 0;
        for (var i = 0; i < _options.Lookups; i++)
        {
            _options.Stop.ThrowIfCancellationRequested();
            var origin = _nodes[live[_random.Next(live.Length)]];
            DhtNode target;
            do
            {
                target = _nodes[live[_random.Next(live.Length)]];
            }
            while (target == origin);

            var targetId = target.Id!.Value;
            var sentBefore = Host.Network.DatagramsSent;
            var query = origin.FindNode(targetId);
            try
            {
                Host.Run(() => query.Completion, _options.LookupTimeout);
            }
            catch (DhtException)
            {
                // A failed walk counts as a miss below.
            }
            catch (TimeoutException)
            {
                Host.Run(query.StopAsync);
            }

            datagrams += Host.Network.DatagramsSent - sentBefore;
            requests += query.Successes + query.Errors;
            var closest = query.ClosestReplies;
            if (closest.Count > 0 && closest[0].From.Id == targetId)
            {
                successes++;
            }

            hops.Add(query.ClosestDepth);
        }

        hops.Sort();
        using var process = Process.GetCurrentProcess();
        return new ScaleRow(
            _nodes.Count,
            gone,
            _options.Lookups,
            (double)successes / _options.Lookups,
            hops.Average(),
            Percentile(hops, 0.5),
            Percentile(hops, 0.9),
            requests / _options.Lookups,
            datagrams / _options.Lookups,
            ExpectedHops(_nodes.Count, _nodes[0].Options.K),
            wall.Elapsed,
            Host.Clock.Elapsed - startVirtual,
            process.PeakWorkingSet64);
    }

    /// <summary>
    /// Compares every node's routing table with the table a converged Kademlia node holds in this network:
    /// row i (ids sharing exactly i leading bits with the node) filled to min(k, nodes that exist for that row).
    /// </summary>
    public TableFill MeasureTables()
    {
        var space = new IdSpace(_nodes);
        var k = _nodes[0].Options.K;
        return Host.Run(async () =>
        {
            long held = 0, converged = 0, farHeld = 0, farConverged = 0, nearHeld = 0, nearConverged = 0;
            var rows = new int[IdSpace.Rows];
            for (var j = 0; j < _nodes.Count; j++)
            {
                var node = _nodes[j];
                Array.Clear(rows);
                foreach (var entry in await node.GetRoutingTableAsync().ConfigureAwait(true))
                {
                    var row = node.TableId.CommonPrefixLength(entry.Id);
                    if (row < rows.Length)
                    {
                        rows[row]++;
                    }
                }

                for (var row = 0; row < IdSpace.Rows; row++)
                {
                    var population = space.RowRange(j, row).Length;
                    var want = Math.Min(k, population);
                    var have = Math.Min(want, rows[row]);
                    held += rows[row];
                    converged += want;
                    if (population >= k)
                    {
                        farHeld += have;
                        farConverged += want;
                    }
                    else
                    {
                        nearHeld += have;
                        nearConverged += want;
                    }
                }
            }

            double n = _nodes.Count;
            return new TableFill(held / n, converged / n, Share(farHeld, farConverged), Share(nearHeld, nearConverged));
        });

        static double Share(long have, long want) => want == 0 ? 1 : (double)have / want;
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double p)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(p * sorted.Count) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
    }

    [SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "Nodes live as long as the experiment.")]
    private DhtNode Create(int index, IReadOnlyList<Ipv4Endpoint> seeds)
    {
        var address = FirstHost + (uint)index;
        var host = new Ipv4Endpoint(address, 0).Host;
        var node = DhtNode.CreateBootstrapper(Port, host, new DhtNodeOptions
        {
            Host = host,
            Nodes = seeds,
            Transport = Host.Network,
            TimeProvider = Host.Clock,
            Context = Host.Loop,
            Random = new Random(unchecked((_options.Seed * 1_000_003) + index)),
        });
        _nodes.Add(node);
        _hosts.Add(address);
        return node;
    }

    [SuppressMessage("Security", "CA5394:Do not use insecure randomness", Justification = "A seeded, reproducible experiment.")]
    private Ipv4Endpoint[] PickSeeds(int joined)
    {
        var count = Math.Min(_options.SeedPeers, joined);
        var seeds = new Ipv4Endpoint[count];
        for (var i = 0; i < count; i++)
        {
            seeds[i] = new Ipv4Endpoint(_hosts[_random.Next(joined)], Port);
        }

        return seeds;
    }

    [SuppressMessage("Security", "CA5394:Do not use insecure randomness", Justification = "A seeded, reproducible experiment.")]
    private void TakeOffline(int count)
    {
        if (_goneOrder is null)
        {
            _goneOrder = Enumerable.Range(0, _nodes.Count).ToArray();
            _random.Shuffle(_goneOrder);
        }

        for (var i = _offline.Count; i < Math.Min(count, _goneOrder.Length); i++)
        {
            var index = _goneOrder[i];
            _offline.Add(index);
            Host.Network.SetHostOffline(_hosts[index], true);
        }
    }

    /// <summary>
    /// Tops every routing table up to its converged content: each row gets random nodes of the ids that
    /// belong in it until it holds min(k, how many exist), through the node's own addNode.
    /// </summary>
    [SuppressMessage("Security", "CA5394:Do not use insecure randomness", Justification = "A seeded, reproducible experiment.")]
    private void ConvergeTables()
    {
        var space = new IdSpace(_nodes);
        var k = _nodes[0].Options.K;
        Host.Run(async () =>
        {
            var candidates = new List<int>();
            var mirror = new TableMirror();
            for (var j = 0; j < _nodes.Count; j++)
            {
                _options.Stop.ThrowIfCancellationRequested();
                var node = _nodes[j];
                await mirror.AttachAsync(node).ConfigureAwait(true);
                try
                {
                    for (var row = 0; row < IdSpace.Rows; row++)
                    {
                        var range = space.RowRange(j, row);
                        var want = Math.Min(k, range.Length);
                        if (mirror.RowCount(row) >= want)
                        {
                            continue;
                        }

                        // A random order of the row's candidates: shuffle small rows, sample large ones.
                        candidates.Clear();
                        if (range.Length <= 4 * k)
                        {
                            candidates.AddRange(Enumerable.Range(range.Start, range.Length));
                            _random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(candidates));
                        }
                        else
                        {
                            for (var i = 0; i < 8 * k; i++)
                            {
                                candidates.Add(range.Start + _random.Next(range.Length));
                            }
                        }

                        foreach (var c in candidates)
                        {
                            if (mirror.RowCount(row) >= want)
                            {
                                break;
                            }

                            var other = space.NodeAt(c);
                            if (!mirror.Contains(space.IdAt(c)))
                            {
                                await node.AddNodeAsync(new Ipv4Endpoint(_hosts[other], Port)).ConfigureAwait(true);
                            }
                        }
                    }
                }
                finally
                {
                    mirror.Detach();
                }
            }
        });
    }

    /// <summary>Id a node of this experiment has (hash of its address); for checks.</summary>
    public NodeId IdOf(int index) => Blake2b.NodeIdOf(new Ipv4Endpoint(_hosts[index], Port));
}
