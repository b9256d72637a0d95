using System.Globalization;
using DhtRpc.Rpc;
using DhtRpc.Wire;

namespace DhtRpc.Cli;

/// <summary>
/// `dht bootstrap --verbose`: tells who asks the bootstrap node what, what it answers, and how its routing
/// table grows. The first request of each kind from each node gets a line; repeats are counted and told
/// as one summary line per period, so a busy network does not flood the terminal.
/// </summary>
internal sealed class BootstrapNarrator : IDisposable
{
    /// <summary>How often repeated requests are summarised.</summary>
    public static readonly TimeSpan SummaryPeriod = TimeSpan.FromSeconds(10);

    /// <summary>Nodes whose first requests are told one by one; after that only the summaries count them.</summary>
    private const int NodesTold = 50;

    /// <summary>Nodes named in one summary line; the rest are counted.</summary>
    private const int NodesPerSummary = 5;

    private readonly TextWriter _output;
    private readonly Lock _gate = new();
    private readonly HashSet<(Ipv4Endpoint, ulong, bool)> _told = [];
    private readonly HashSet<Ipv4Endpoint> _nodesTold = [];
    private readonly Dictionary<Ipv4Endpoint, Dictionary<string, int>> _repeats = [];
    private readonly Timer _summary;
    private int _tableSize;
    private bool _quietNoted;

    public BootstrapNarrator(TextWriter output)
    {
        _output = output;
        _summary = new Timer(_ => Summarise(), null, SummaryPeriod, SummaryPeriod);
    }

    public void Line(string text)
    {
        lock (_gate)
        {
            _output.WriteLine(text);
        }
    }

    /// <summary>Hooks the node's events; <paramref name="tableSize"/> is how many nodes its table holds now.</summary>
    public void Watch(DhtNode node, int tableSize)
    {
        Volatile.Write(ref _tableSize, tableSize);
        node.RequestReceived += OnRequest;
        node.NodeAdded += added =>
        {
            var size = Interlocked.Increment(ref _tableSize);
            var bucket = node.TableId.CommonPrefixLength(added.Id);
            Line(string.Create(CultureInfo.InvariantCulture, $"routing table: {added.Endpoint} (id {Ui.Short(added.Id.ToString())}) entered bucket {bucket}; {Nodes(size)} in the table"));
        };
        node.NodeRemoved += removed =>
        {
            var size = Interlocked.Decrement(ref _tableSize);
            Line(string.Create(CultureInfo.InvariantCulture, $"routing table: {removed.Endpoint} left (it stopped answering); {Nodes(size)} in the table"));
        };
    }

    public void Dispose()
    {
        _summary.Dispose();
        Summarise();
    }

    private void OnRequest(ReceivedRequest request)
    {
        var from = request.From.Endpoint;
        var name = NameOf(request);
        lock (_gate)
        {
            if (_told.Contains((from, request.Command, request.Internal)) || (!_nodesTold.Contains(from) && _nodesTold.Count >= NodesTold))
            {
                if (!_nodesTold.Contains(from) && !_quietNoted)
                {
                    _quietNoted = true;
                    _output.WriteLine($"(more than {NodesTold} nodes have asked: from now on, new nodes' requests are only counted in the summaries)");
                }

                var counts = _repeats.TryGetValue(from, out var c) ? c : _repeats[from] = [];
                counts[name] = counts.GetValueOrDefault(name) + 1;
                return;
            }

            _told.Add((from, request.Command, request.Internal));
            var first = _nodesTold.Add(from);
            var target = request.Target is { } t ? $" toward {Ui.Short(t.ToString(), 16)}" : "";
            var contact = first ? request.From.Id is null ? " (first contact, no id: a temporary port)" : " (first contact, id verified)" : "";
            _output.WriteLine($"request: {name} from {from}{contact}{target}: {Answer(request)}");
        }
    }

    /// <summary>What a bootstrap node (no storage) answers to <paramref name="request"/>.</summary>
    private string Answer(ReceivedRequest request) => (request.Internal, request.Command) switch
    {
        (true, Commands.Ping) => "answered with our id and the address we see it at",
        (true, Commands.PingNat) => "answered on the port it named, so it learns whether others can reach it",
        (true, Commands.FindNode) => $"answered with the nodes closest to that id among the {Nodes(Volatile.Read(ref _tableSize))} we know (at most 20)",
        (true, Commands.DownHint) => "answered; we check whether the node it names still answers",
        (true, Commands.DelayedPing) => "answered after the delay it asked for",
        (true, _) => "answered UNKNOWN_COMMAND (not a dht-rpc command)",
        _ => "answered UNKNOWN_COMMAND with the closest nodes (a bootstrap node serves no storage, only dht-rpc's own commands)",
    };

    private static string NameOf(ReceivedRequest request) => (request.Internal, request.Command) switch
    {
        (true, Commands.Ping) => "PING",
        (true, Commands.PingNat) => "PING_NAT",
        (true, Commands.FindNode) => "FIND_NODE",
        (true, Commands.DownHint) => "DOWN_HINT",
        (true, Commands.DelayedPing) => "DELAYED_PING",
        (true, var n) => string.Create(CultureInfo.InvariantCulture, $"internal command {n}"),
        (false, var n) => string.Create(CultureInfo.InvariantCulture, $"command {n}"),
    };

    /// <summary>One line for the repeats of the last period, the busiest nodes first; nothing when there were none.</summary>
    private void Summarise()
    {
        lock (_gate)
        {
            if (_repeats.Count == 0)
            {
                return;
            }

            var busiest = _repeats.OrderByDescending(r => r.Value.Values.Sum()).ToList();
            var named = busiest.Take(NodesPerSummary).Select(r => $"{r.Key} {string.Join(", ", r.Value.Select(c => $"{c.Key} x{c.Value}"))}");
            var rest = busiest.Count > NodesPerSummary ? $"; and {busiest.Count - NodesPerSummary} more nodes" : "";
            var total = busiest.Sum(r => r.Value.Values.Sum());
            _output.WriteLine($"repeats in the last {SummaryPeriod.TotalSeconds:0} s: {total} requests from {Nodes(busiest.Count)} ({string.Join("; ", named)}{rest})");
            _repeats.Clear();
        }
    }

    private static string Nodes(int n) => n == 1 ? "1 node" : string.Create(CultureInfo.InvariantCulture, $"{n} nodes");
}
