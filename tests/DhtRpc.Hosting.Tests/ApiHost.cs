using DhtRpc.Storage.Stores;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace DhtRpc.Hosting.Tests;

/// <summary>
/// A loopback network of storage nodes and one more node run by <c>AddDhtNode</c> in a web host, its
/// HTTP API on a real Kestrel at 127.0.0.1 (a free port).
/// </summary>
internal sealed class ApiHost : IAsyncDisposable
{
    private ApiHost(StorageLoopbackSwarm swarm, WebApplication app, Uri address)
    {
        Swarm = swarm;
        App = app;
        Address = address;
        Http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };
    }

    public StorageLoopbackSwarm Swarm { get; }

    public WebApplication App { get; }

    public Uri Address { get; }

    public HttpClient Http { get; }

    public DhtNodeService Service => App.Services.GetRequiredService<DhtNodeService>();

    public static async Task<ApiHost> StartAsync(int swarmSize = 8, string? dataDirectory = null, int contentRequestsPerSecond = 20)
    {
        var swarm = await StorageLoopbackSwarm.CreateAsync(swarmSize, _ => new InMemoryItemStore());
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddDhtNode(o =>
        {
            o.Host = "127.0.0.1";
            o.Bootstrap = [swarm.BootstrapEntry];
            o.DataDirectory = dataDirectory;
        });
        builder.Services.AddDhtStorage(o => o.Location = "test-rack");
        builder.Services.AddDhtMetrics();
        builder.Services.AddDhtHttpApi(contentRequestsPerSecond);
        var app = builder.Build();
        app.MapDhtApi();
        app.MapDhtDashboard();
        await app.StartAsync(TestContext.Current.CancellationToken);
        await app.Services.GetRequiredService<DhtNodeService>().JoinedAsync(TestContext.Current.CancellationToken);
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new ApiHost(swarm, app, new Uri(url + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
        await Swarm.DisposeAsync();
    }
}
