using DhtRpc.Storage.Stores;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace DhtRpc.Hosting.Tests;

/// <summary>A node in a plain Generic Host: options from configuration, checked at start, stopped gracefully.</summary>
public sealed class HostedNodeTests
{
    private static CancellationToken Stop => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Options_come_from_configuration_and_the_node_joins_stores_and_saves_its_peers_on_stop()
    {
        await using var swarm = await StorageLoopbackSwarm.CreateAsync(6, _ => new InMemoryItemStore());
        using var data = new TempDirectory();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Dht:Host"] = "127.0.0.1",
            ["Dht:Bootstrap:0"] = swarm.BootstrapEntry,
            ["Dht:DataDirectory"] = data.Path,
            ["Dht:Storage:Location"] = "from-config",
            ["Dht:Storage:RecordTtl"] = "00:10:00",
            ["Dht:Storage:RepublishInterval"] = "00:05:00",
        });
        builder.Services.AddDhtNode();
        builder.Services.AddDhtStorage();
        using var host = builder.Build();
        var service = host.Services.GetRequiredService<DhtNodeService>();

        await host.StartAsync(Stop);
        await service.JoinedAsync(Stop);

        Assert.Equal("from-config", service.Storage!.Options.Location);
        Assert.Equal(TimeSpan.FromMinutes(10), service.Storage.Options.RecordTtl);
        Assert.Equal("127.0.0.1", service.Node.ServerEndpoint!.Value.Host.ToString());
        var known = (await service.Node.GetRoutingTableAsync()).Count;
        Assert.True(known > 0);

        await host.StopAsync(Stop);

        Assert.True(service.Node.Destroyed);
        Assert.False(File.Exists(Path.Combine(data.Path, "store.db-wal")), "the store was not closed");
        using var peers = new SqlitePeerCache(data.Path);
        Assert.Equal(known, peers.Load().Count);
    }

    [Fact]
    public async Task Bad_options_stop_the_start_with_one_sentence_per_mistake()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddDhtNode(o =>
        {
            o.Host = "not-an-address";
            o.Port = 70000;
        });
        builder.Services.AddDhtStorage(o => o.RepublishInterval = o.RecordTtl);
        using var host = builder.Build();

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync(Stop));

        var messages = error is AggregateException all ? string.Join(" ", all.InnerExceptions.Select(e => e.Message)) : error.Message;
        Assert.Contains("Dht:Host 'not-an-address' is not an IPv4 address.", messages, StringComparison.Ordinal);
        Assert.Contains("Dht:Port 70000 is not a valid UDP port", messages, StringComparison.Ordinal);
        Assert.Contains("Dht:Bootstrap is empty", messages, StringComparison.Ordinal);
        Assert.True(messages.Contains("RepublishInterval", StringComparison.Ordinal), error.GetType() + ": " + messages + " / " + error);
        Assert.Throws<InvalidOperationException>(() => host.Services.GetRequiredService<DhtNodeService>().Node);
    }

    [Fact]
    public async Task A_node_without_storage_answers_no_storage_and_a_bootstrapper_needs_no_bootstrap_list()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddDhtNode(o =>
        {
            o.Host = "127.0.0.1";
            o.Bootstrapper = true;
        });
        using var host = builder.Build();
        var service = host.Services.GetRequiredService<DhtNodeService>();

        await host.StartAsync(Stop);
        await service.JoinedAsync(Stop);

        Assert.Null(service.Storage);
        Assert.NotNull(service.Node.Id);
        Assert.NotEqual(0, service.Node.ServerEndpoint!.Value.Port);
        await host.StopAsync(Stop);
    }
}
