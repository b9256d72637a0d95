using BenchmarkDotNet.Attributes;
using DhtRpc.Crypto;
using DhtRpc.Wire;
using DhtRpc.Routing;

namespace DhtRpc.Benchmarks;

/// <summary>Routing table with 1,000 candidate nodes: filling it, and Closest(20) of random targets.</summary>
[MemoryDiagnoser]
public class RoutingBenchmarks
{
    private const int Count = 1000;
    private readonly List<RoutingNode> _into = new(20);
    private RoutingNode[] _nodes = [];
    private NodeId[] _targets = [];
    private RoutingTable _table = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _nodes = new RoutingNode[Count];
        for (var i = 0; i < Count; i++)
        {
            var endpoint = new Ipv4Endpoint(0x0A000001u + (uint)i, 49737);
            _nodes[i] = new RoutingNode(Blake2b.NodeIdOf(endpoint), endpoint);
        }

        var random = new Random(1);
        _targets = new NodeId[256];
        var bytes = new byte[32];
        for (var i = 0; i < _targets.Length; i++)
        {
            random.NextBytes(bytes);
            _targets[i] = NodeId.Read(bytes);
        }

        _table = Fill(new RoutingTable(_targets[0]));
    }

    /// <summary>1,000 Adds into an empty table (k = 20 per row: full rows reject), per operation.</summary>
    [Benchmark(OperationsPerInvoke = Count)]
    public int Insert1000() => Fill(new RoutingTable(_targets[1])).Count;

    [Benchmark]
    public int Closest20()
    {
        _into.Clear();
        return _table.Closest(_targets[_next++ & 255], 20, _into);
    }

    private RoutingTable Fill(RoutingTable table)
    {
        foreach (var node in _nodes)
        {
            table.Add(node);
        }

        return table;
    }
}
