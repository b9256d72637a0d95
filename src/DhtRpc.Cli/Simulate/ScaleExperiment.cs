using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using DhtRpc.Crypto;
using DhtRpc.Routing;
using DhtRpc.Simulation;
using DhtRpc.Wire;

namespace DhtRpc.Cli.Simulate;

/// <summary>How a <see cref="ScaleExperiment"/> builds its network and measures lookups.</summary>
internal sealed record ScaleOptions
{
    public int Nodes { get; init; } = 1000;

    /// <summary>Lookups per "gone" fraction.</summary>
    public int Lookups { get; init; } = 200;

    public TimeSpan Latency { get; init; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Extra uniform delay per datagram, [0, Jitter).</summary>
    public TimeSpan Jitter { get; init; }

    public double Loss { get; init; }

    public int Seed { get; init; } = 1;

    /// <summary>Random earlier nodes put into each newcomer's routing table before it joins.</summary>
    public int SeedPeers { get; init; } = 3;

    /// <summary>Largest number of nodes joining at once (waves double up to this size).</summary>
    public int MaxWave { get; init; } = 1000;

    /// <summary>
    /// After the joins, top every routing table up to what a converged Kademlia table holds (each row
    /// min(k, nodes that exist for it)), as a network running for a while gets through its own traffic.
    /// Joins alone leave the far rows of late joiners part empty.
    /// </summary>
    public bool ConvergeTables { get; init; } = true;

    /// <summary>Virtual time one lookup may take before it counts as failed.</summary>
    public TimeSpan LookupTimeout { get; init; } = TimeSpan.FromMinutes(2);
}

/// <summary>What building the network cost.</summary>
/// <param name="Joined">The tables as the joins left them.</param>
/// <param name="Tables">The tables the lookups start from (converged when <see cref="ScaleOptions.ConvergeTables"/>).</param>
internal sealed record ScaleBuild(int Nodes, int Waves, TimeSpan Wall, TimeSpan VirtualTime, long Datagrams, long ManagedBytes, long WorkingSetBytes, double MeanTableSize, TableFill Joined, TableFill Tables)
{
    public double ManagedBytesPerNode => (double)ManagedBytes / Nodes;

    public double WorkingSetBytesPerNode => (double)WorkingSetBytes / Nodes;
}

/// <summary>Routing tables against converged Kademlia tables in the same network (means per node).</summary>
/// <param name="MeanEntries">Entries per table.</param>
/// <param name="MeanConverged">Entries a converged table holds: row i (ids sharing exactly i leading bits) min(k, nodes that exist for it).</param>
/// <param name="FarRowFill">Share held of the converged entries in rows with at least k candidates.</param>
/// <param name="NearRowFill">Share held of the converged entries in rows with fewer than k candidates (the node's neighbourhood).</param>
internal sealed record TableFill(double MeanEntries, double MeanConverged, double FarRowFill, double NearRowFill)
{
    public double Fill => MeanConverged == 0 ? 1 : MeanEntries / MeanConverged;
}

/// <summary>Lookups measured with a share of the nodes offline.</summary>
/// <param name="Hops">Referral depth of the closest reply: 1 = a node from the origin's own table answered it.</param>
/// <param name="Requests">Nodes the lookup asked (replies plus timeouts).</param>
/// <param name="Datagrams">Every datagram sent in the whole network while the lookup ran (requests, replies, retries and any background traffic).</param>
internal sealed record ScaleRow(
    int Nodes,
    double Gone,
    int Lookups,
    double SuccessRate,
    double MeanHops,
    double MedianHops,
    double P90Hops,
    double MeanRequests,
    double MeanDatagrams,
    double ExpectedHops,
    TimeSpan Wall,
    TimeSpan VirtualTime,
    long PeakWorkingSetBytes);

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
internal sealed class ScaleExperiment
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

/// <summary>
/// One node's routing-table membership and row counts, kept from a snapshot and the node's NodeAdded and
/// NodeRemoved events while attached; used on the node's loop thread only.
/// </summary>
internal sealed class TableMirror
{
    private readonly HashSet<NodeId> _ids = [];
    private readonly int[] _rows = new int[IdSpace.Rows];
    private DhtNode? _node;

    public async Task AttachAsync(DhtNode node)
    {
        Detach();
        _ids.Clear();
        Array.Clear(_rows);
        _node = node;
        node.NodeAdded += OnAdded;
        node.NodeRemoved += OnRemoved;
        foreach (var entry in await node.GetRoutingTableAsync().ConfigureAwait(true))
        {
            OnAdded(entry);
        }
    }

    public void Detach()
    {
        if (_node is { } node)
        {
            node.NodeAdded -= OnAdded;
            node.NodeRemoved -= OnRemoved;
            _node = null;
        }
    }

    public int RowCount(int row) => _rows[row];

    public bool Contains(NodeId id) => _ids.Contains(id);

    private void OnAdded(RoutingNode entry)
    {
        if (_ids.Add(entry.Id))
        {
            Count(entry.Id, 1);
        }
    }

    private void OnRemoved(RoutingNode entry)
    {
        if (_ids.Remove(entry.Id))
        {
            Count(entry.Id, -1);
        }
    }

    private void Count(NodeId id, int delta)
    {
        var row = _node!.TableId.CommonPrefixLength(id);
        if (row < _rows.Length)
        {
            _rows[row] += delta;
        }
    }
}

/// <summary>The experiment's ids sorted by their leading 64 bits, to count and list the ids of a routing row.</summary>
internal sealed class IdSpace
{
    /// <summary>Rows looked at: deeper rows are empty below 2^60 nodes or so.</summary>
    public const int Rows = 64;

    private readonly ulong[] _own;
    private readonly ulong[] _sorted;
    private readonly int[] _order;
    private readonly NodeId[] _ids;

    public IdSpace(IReadOnlyList<DhtNode> nodes)
    {
        _ids = nodes.Select(n => n.Id!.Value).ToArray();
        _own = _ids.Select(Top).ToArray();
        _sorted = (ulong[])_own.Clone();
        _order = Enumerable.Range(0, _ids.Length).ToArray();
        Array.Sort(_sorted, _order);
    }

    /// <summary>Positions (for <see cref="NodeAt"/>) of the ids sharing exactly <paramref name="row"/> leading bits with node <paramref name="node"/>.</summary>
    public (int Start, int Length) RowRange(int node, int row)
    {
        var top = _own[node];
        var bit = 1UL << (63 - row);
        var keep = row == 0 ? 0UL : ~0UL << (64 - row);
        var low = (top & keep) | (~top & bit);
        var high = low | (bit - 1);
        var start = LowerBound(low);
        var end = high == ulong.MaxValue ? _sorted.Length : LowerBound(high + 1);
        return (start, end - start);
    }

    public int NodeAt(int position) => _order[position];

    public NodeId IdAt(int position) => _ids[_order[position]];

    private static ulong Top(NodeId id)
    {
        Span<byte> bytes = stackalloc byte[NodeId.Size];
        id.WriteTo(bytes);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes);
    }

    private int LowerBound(ulong value)
    {
        int lo = 0, hi = _sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_sorted[mid] < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
