using System.Diagnostics;
using System.Diagnostics.Metrics;
using DhtRpc.Query;

namespace DhtRpc.Metrics;

/// <summary>
/// A node's instruments on the meter of <see cref="DhtNodeOptions.Meter"/> (names in <see cref="DhtMetrics"/>).
/// Almost all are observed: they read the node's counters when the meter is collected, so the node's
/// paths do no work for them. Only the query duration is recorded as queries end.
/// </summary>
internal sealed class NodeInstruments
{
    private static readonly double[] DurationBuckets = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
    private static readonly (string Key, string Reason)[] DroppedCounters = CountersNamed("dropped.");
    private static readonly (string Key, string Reason)[] RefusedCounters = CountersNamed("refused.");
    private static readonly (string Key, string Reason)[] LimitedCounters = CountersNamed("limited.");

    private readonly DhtNode _node;
    private readonly CommandTraffic _traffic;
    private readonly Histogram<double> _queryDuration;

    private NodeInstruments(Meter meter, DhtNode node, CommandTraffic traffic)
    {
        _node = node;
        _traffic = traffic;
        var stats = node.Stats;
        meter.CreateObservableCounter(DhtMetrics.RequestsSent, ObserveSent, "{request}", "Requests this node created and sent, by command.");
        meter.CreateObservableCounter(DhtMetrics.ResponsesReceived, ObserveResponses, "{response}", "Responses that matched a request of this node, by command.");
        meter.CreateObservableCounter(DhtMetrics.RequestsReceived, ObserveReceived, "{request}", "Requests from other nodes decoded and handled, by command.");
        meter.CreateObservableCounter(DhtMetrics.RequestTimeouts, () => stats.Requests.Timeouts, "{request}", "Requests that ran out of retries.");
        meter.CreateObservableCounter(DhtMetrics.RequestRetries, () => stats.Requests.Retries, "{retry}", "Retransmissions after an attempt timed out.");
        meter.CreateObservableCounter(DhtMetrics.RequestTokenRetries, () => stats.Requests.TokenRetries, "{request}", "Requests sent again with the token a TOKEN_REQUIRED reply carried.");
        meter.CreateObservableUpDownCounter(DhtMetrics.RequestsActive, () => stats.Requests.Active, "{request}", "Requests in flight.");
        meter.CreateObservableCounter(DhtMetrics.QueriesStarted, () => stats.Queries.Total, "{query}", "Iterative queries started.");
        meter.CreateObservableUpDownCounter(DhtMetrics.QueriesActive, () => stats.Queries.Active, "{query}", "Iterative queries running.");
        meter.CreateObservableCounter(DhtMetrics.Dropped, () => Observe(DroppedCounters), "{message}", "What arrived and was not acted on, by reason.");
        meter.CreateObservableCounter(DhtMetrics.Refused, () => Observe(RefusedCounters), "{refusal}", "Work refused because a bound was reached, by reason.");
        meter.CreateObservableCounter(DhtMetrics.Limited, () => Observe(LimitedCounters), "{message}", "Requests and replies held back by a budget, by reason.");
        meter.CreateObservableUpDownCounter(DhtMetrics.RoutingTableSize, () => node.Table.Count, "{node}", "Nodes in the routing table.");
        meter.CreateObservableCounter(DhtMetrics.CongestionWaits, () => stats.Requests.CongestionWaits, "{send}", "Sends that found the congestion window full and waited.");
        meter.CreateObservableUpDownCounter(DhtMetrics.CongestionQueued, () => node.Io.QueuedSends, "{send}", "Sends waiting for the congestion window.");
        _queryDuration = meter.CreateHistogram(
            DhtMetrics.QueryDuration,
            "s",
            "How long iterative queries ran, by command.",
            tags: null,
            new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
    }

    /// <summary>Instruments for <paramref name="node"/> on <paramref name="meter"/>; null (and no counting) without a meter.</summary>
    public static NodeInstruments? Create(Meter? meter, DhtNode node)
    {
        if (meter is null)
        {
            return null;
        }

        var traffic = new CommandTraffic();
        node.Stats.Traffic = traffic;
        return new NodeInstruments(meter, node, traffic);
    }

    /// <summary>Records how long <paramref name="query"/> ran; <paramref name="error"/> is how it failed, if it did.</summary>
    public void RecordQuery(DhtQuery query, TimeSpan duration, Exception? error)
    {
        var tags = new TagList { { DhtMetrics.CommandTag, CommandTags.ValueOf(query.Internal, query.Command) } };
        if (error is not null)
        {
            tags.Add(DhtMetrics.ErrorTypeTag, error is DhtException dht ? DhtException.CodeText(dht.Code) : "_OTHER");
        }

        _queryDuration.Record(duration.TotalSeconds, tags);
    }

    private static (string Key, string Reason)[] CountersNamed(string prefix) =>
        [.. new Rpc.DhtStats().Counters().Keys
            .Where(key => key.StartsWith(prefix, StringComparison.Ordinal))
            .Select(key => (key, key[prefix.Length..]))];

    private static Measurement<long> Tagged(long value, string key, string tag) =>
        new(value, new KeyValuePair<string, object?>(key, tag));

    private static Measurement<long> ForCommand(long value, ulong builtIn) =>
        Tagged(value, DhtMetrics.CommandTag, CommandTags.ValueOf(isInternal: true, builtIn));

    /// <summary>The slots <paramref name="read"/> counted anything in, each tagged with its command.</summary>
    private static void AddCounted(List<Measurement<long>> measurements, Func<int, long> read)
    {
        for (var slot = 0; slot < CommandTags.SlotCount; slot++)
        {
            var value = read(slot);
            if (value != 0)
            {
                measurements.Add(Tagged(value, DhtMetrics.CommandTag, CommandTags.ValueOf(slot)));
            }
        }
    }

    private IEnumerable<Measurement<long>> Observe((string Key, string Reason)[] counters)
    {
        var values = _node.Stats.Counters();
        return [.. counters.Select(c => Tagged(values[c.Key], DhtMetrics.ReasonTag, c.Reason))];
    }

    private IEnumerable<Measurement<long>> ObserveSent()
    {
        var stats = _node.Stats;
        var measurements = new List<Measurement<long>>
        {
            ForCommand(stats.Ping.Tx, Commands.Ping),
            ForCommand(stats.PingNat.Tx, Commands.PingNat),
            ForCommand(stats.FindNode.Tx, Commands.FindNode),
            ForCommand(stats.DownHint.Tx, Commands.DownHint),
        };
        AddCounted(measurements, _traffic.Sent);
        return measurements;
    }

    private IEnumerable<Measurement<long>> ObserveResponses()
    {
        var stats = _node.Stats;
        var measurements = new List<Measurement<long>>
        {
            ForCommand(stats.Ping.Rx, Commands.Ping),
            ForCommand(stats.PingNat.Rx, Commands.PingNat),
            ForCommand(stats.FindNode.Rx, Commands.FindNode),
            ForCommand(stats.DownHint.Rx, Commands.DownHint),
        };
        AddCounted(measurements, _traffic.Responses);
        return measurements;
    }

    private IEnumerable<Measurement<long>> ObserveReceived()
    {
        var measurements = new List<Measurement<long>>();
        AddCounted(measurements, _traffic.Received);
        return measurements;
    }
}
