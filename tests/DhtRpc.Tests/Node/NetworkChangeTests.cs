using DhtRpc.Simulation;
using DhtRpc.Transport;
using Xunit;

namespace DhtRpc.Tests.Node;

public sealed class NetworkChangeTests
{
    [Fact]
    public void AnInterfaceChangeRaisesNetworkChangedThenNetworkUpdatedOnTheNodeUntilItIsDisposed()
    {
        var swarm = new SimulatedSwarm().Make(2);
        var watcher = new ManualWatcher();
        var node = swarm.Add(swarm.Options(new DhtNodeOptions { NetworkWatcher = watcher }));
        swarm.Run(node.FullyBootstrappedAsync);
        var seen = new List<string>();
        node.NetworkChanged += () => seen.Add($"changed on context {node.IsOnContext}");
        node.NetworkUpdated += () => seen.Add("updated");

        watcher.Fire(); // as the operating system would, from a thread of its own
        swarm.Host.RunUntilIdle(TimeSpan.FromMilliseconds(1));

        Assert.Equal(["changed on context True", "updated"], seen);
        Assert.Equal(1, watcher.Subscribers);

        swarm.Run(async () => await node.DisposeAsync());
        Assert.Equal(0, watcher.Subscribers);
    }

    [Fact]
    public void TheSimulatedNetworkHasNoWatcherAndRealUdpHasTheSystemOne()
    {
        Assert.Null(((IDatagramTransport)new SimulationHost().Network).InterfaceWatcher);
        Assert.Same(SystemNetworkInterfaceWatcher.Instance, ((IDatagramTransport)new UdpTransport(UdpEngine.Portable)).InterfaceWatcher);
        using var subscription = SystemNetworkInterfaceWatcher.Instance.Subscribe(() => { });
    }

    private sealed class ManualWatcher : INetworkInterfaceWatcher
    {
        private readonly List<Action> _handlers = [];

        public int Subscribers
        {
            get
            {
                lock (_handlers)
                {
                    return _handlers.Count;
                }
            }
        }

        public IDisposable Subscribe(Action onChange)
        {
            lock (_handlers)
            {
                _handlers.Add(onChange);
            }

            return new Unsubscribe(this, onChange);
        }

        public void Fire()
        {
            Action[] handlers;
            lock (_handlers)
            {
                handlers = [.. _handlers];
            }

            foreach (var handler in handlers)
            {
                handler();
            }
        }

        private sealed class Unsubscribe(ManualWatcher owner, Action handler) : IDisposable
        {
            public void Dispose()
            {
                lock (owner._handlers)
                {
                    owner._handlers.Remove(handler);
                }
            }
        }
    }
}
