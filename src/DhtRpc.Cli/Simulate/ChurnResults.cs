namespace DhtRpc.Cli.Simulate;

/// <summary>Continuous churn: nodes leave without a word and as many new ones join, at a steady rate, while lookups run.</summary>
/// <param name="PercentPerMinute">Share of the live nodes replaced per virtual minute (0.05 = 5%).</param>
/// <param name="Duration">Virtual time the churn and the lookups last.</param>
/// <param name="Lookups">Lookups started over the whole run, evenly spread.</param>
internal sealed record ChurnOptions(double PercentPerMinute, TimeSpan Duration, int Lookups)
{
    /// <summary>Virtual time between two rounds of departures, joins and lookup starts.</summary>
    public static readonly TimeSpan Step = TimeSpan.FromSeconds(1);
}

/// <summary>One lookup under churn.</summary>
/// <param name="Minute">Virtual minute of the churn run the lookup started in.</param>
/// <param name="Found">The closest reply came from the target node itself.</param>
/// <param name="Counted">Origin and target were both still live when the lookup ended (else it is left out of the rates).</param>
/// <param name="Hops">Referral depth of the closest reply.</param>
/// <param name="VirtualTime">Simulated time from start to end of the lookup.</param>
/// <param name="Requests">Nodes the lookup asked (replies plus timeouts).</param>
/// <param name="Unanswered">Of those, how many never answered.</param>
internal sealed record ChurnLookup(int Minute, bool Found, bool Counted, int Hops, TimeSpan VirtualTime, int Requests, int Unanswered);

/// <summary>What one virtual minute of churn did.</summary>
/// <param name="Minute">0-based minute of the run.</param>
/// <param name="Live">Live nodes at the end of the minute.</param>
/// <param name="Left">Nodes that left during it.</param>
/// <param name="Joined">New nodes that finished joining during it.</param>
internal sealed record ChurnMinute(int Minute, int Live, int Left, int Joined);

/// <summary>A whole churn run.</summary>
/// <param name="Minutes">Per-minute departures and joins.</param>
/// <param name="Lookups">Every lookup started.</param>
/// <param name="Wall">Real time the run took.</param>
/// <param name="Datagrams">Datagrams sent in the whole network during the run.</param>
/// <param name="PeakWorkingSetBytes">The process's peak working set after the run.</param>
internal sealed record ChurnRun(IReadOnlyList<ChurnMinute> Minutes, IReadOnlyList<ChurnLookup> Lookups, TimeSpan Wall, long Datagrams, long PeakWorkingSetBytes);
