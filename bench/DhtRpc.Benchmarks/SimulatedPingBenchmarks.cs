using BenchmarkDotNet.Attributes;
using DhtRpc.Wire;
using DhtRpc.Simulation;
using DhtRpc.Testing;

namespace DhtRpc.Benchmarks;

/// <summary>
/// A whole PING round trip between two nodes on one <see cref="SimulationHost"/>: request object, encode,
/// simulated delivery, decode, reply, response matching, task completion (virtual time, no sockets).
/// </summary>
[MemoryDiagnoser]
public class SimulatedPingBenchmarks
{
    private SimulatedSwarm _swarm = null!;
    private DhtNode _client = null!;
    private Ipv4Endpoint _server;

    [GlobalSetup]
    public void Setup()
    {
        _swarm = new SimulatedSwarm(seed: 1).Make(2);
        _client = _swarm[1];
        _server = SimulatedSwarm.ServerOf(_swarm[0]);
    }

    [Benchmark]
    public ulong PingRoundTrip() => _swarm.Run(() => _client.PingAsync(_server)).Error;

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var node in _swarm.Nodes)
        {
            _swarm.Run(() => node.DisposeAsync().AsTask());
        }
    }
}

