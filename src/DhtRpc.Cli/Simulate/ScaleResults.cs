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

    /// <summary>Cancelled by Ctrl-C or SIGTERM: the run stops between waves, lookups or churn steps.</summary>
    public CancellationToken Stop { get; init; }
}

/// <summary>What building the network cost.</summary>
/// <param name="Nodes">Nodes in the network.</param>
/// <param name="Waves">Waves of joins it took (each wave joins at once, up to <see cref="ScaleOptions.MaxWave"/>).</param>
/// <param name="Wall">Real time the build took.</param>
/// <param name="VirtualTime">Simulated time the build took.</param>
/// <param name="Datagrams">Datagrams sent in the whole network during the build.</param>
/// <param name="ManagedBytes">What the managed heap grew by during the build.</param>
/// <param name="WorkingSetBytes">What the process working set grew by during the build.</param>
/// <param name="MeanTableSize">Entries per routing table, on average, once the build ended (after converging the tables when asked).</param>
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
/// <param name="Nodes">Nodes in the network, offline ones included.</param>
/// <param name="Gone">Share of the nodes taken offline before the lookups, from 0 to 1.</param>
/// <param name="Lookups">Lookups run.</param>
/// <param name="SuccessRate">Share of the lookups, each for a live node's id, whose closest reply came from that node.</param>
/// <param name="MeanHops">Mean referral depth of the closest reply: 1 = a node from the origin's own table answered it.</param>
/// <param name="MedianHops">Median of that depth.</param>
/// <param name="P90Hops">90th percentile of that depth.</param>
/// <param name="MeanRequests">Nodes a lookup asked, on average (replies plus timeouts).</param>
/// <param name="MeanDatagrams">Datagrams sent in the whole network while a lookup ran, on average (requests, replies, retries and any background traffic).</param>
/// <param name="ExpectedHops">The depth Kademlia's analysis predicts for this many nodes: log2(N)/log2(2k).</param>
/// <param name="Wall">Real time the lookups took.</param>
/// <param name="VirtualTime">Simulated time the lookups took.</param>
/// <param name="PeakWorkingSetBytes">The process's peak working set so far, read after the lookups.</param>
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
