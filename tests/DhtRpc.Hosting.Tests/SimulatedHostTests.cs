using System.Text;
using DhtRpc.Storage;
using DhtRpc.Storage.Client;
using DhtRpc.Storage.Stores;
using DhtRpc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DhtRpc.Hosting.Tests;

/// <summary>
/// A hosted node on the simulated network and its virtual clock: the host's timers (peer saving) run
/// on the registered <see cref="TimeProvider"/>, so an hour of a host's life takes no real time.
/// </summary>
public sealed class SimulatedHostTests
{
    private static readonly TimeSpan SaveEvery = TimeSpan.FromHours(1);

    [Fact]
    public void A_host_on_the_virtual_clock_saves_its_peers_when_virtual_time_reaches_the_interval_and_serves_storage()
    {
        var swarm = new SimulatedStorageSwarm(8);
        var sim = swarm.Host;
        using var data = new TempDirectory();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton<TimeProvider>(sim.Clock);
        builder.Services.AddDhtNode(o =>
        {
            o.Host = "127.0.0.1";
            o.Bootstrap = [swarm.Swarm.BootstrapEntry];
            o.DataDirectory = data.Path;
            o.PeerSaveInterval = SaveEvery;
        });
        builder.Services.ConfigureDhtNodeOptions(o => o with { Transport = sim.Network, Context = sim.Loop, Random = new Random(42) });
        builder.Services.AddDhtStorage(new StorageOptions { StoreWork = StoreWorkMode.Inline });
        using var host = builder.Build();
        var service = host.Services.GetRequiredService<DhtNodeService>();

        try
        {
            // The save timer starts with the host: intervals count from here, however long the join takes.
            var started = sim.Now;
            sim.Run(async () =>
            {
                await host.StartAsync();
                await service.JoinedAsync();
            });
            var known = sim.Run(async () => (await service.Node.GetRoutingTableAsync()).Count);
            Assert.True(known >= 7, $"the hosted node knows {known} of the 8 simulated nodes");
            Assert.Equal(0, SavedPeers(data.Path));

            sim.Advance(started + SaveEvery - TimeSpan.FromMinutes(1) - sim.Now);
            Assert.Equal(0, SavedPeers(data.Path));

            sim.Advance(TimeSpan.FromMinutes(2));
            Assert.Equal(known, SavedPeers(data.Path));

            // The hosted node stores and serves like any other node of the simulation.
            var value = Encoding.UTF8.GetBytes("held by a hosted node");
            var put = sim.Run(() => new DhtStorageClient(service.Node).PutAsync(value));
            Assert.True(put.Replicas > 0);
            var read = sim.Run(() => new DhtStorageClient(swarm[3]).GetAsync(put.Key));
            Assert.Equal(value, read);
        }
        finally
        {
            // Stopped on the loop, so that a failed assertion above ends the test instead of a stop that waits on it.
            sim.Run(() => host.StopAsync());
        }

        Assert.True(service.Node.Destroyed);
        Assert.False(File.Exists(Path.Combine(data.Path, "store.db-wal")), "the store was not closed");
    }

    /// <summary>Peers in the data directory's cache, read by a second reader as the next run would.</summary>
    private static int SavedPeers(string directory)
    {
        using var peers = new SqlitePeerCache(directory);
        return peers.Load().Count;
    }
}
