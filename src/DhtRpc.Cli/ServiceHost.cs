using System.Globalization;
using DhtRpc.Storage;
using DhtRpc.Wire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DhtRpc.Cli;

/// <summary>
/// A `dht node` or `dht bootstrap` as a host of the hosting layer: a plain host, or, with `--http`,
/// a web host serving the HTTP API, metrics and dashboard. Stops on the CLI's signal path only.
/// </summary>
internal sealed class ServiceHost : IAsyncDisposable
{
    /// <summary>Longest a graceful stop may take (save peers, close the store, leave) before the process gives up.</summary>
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    private readonly IHost _host;

    private ServiceHost(IHost host, string? httpUrl)
    {
        _host = host;
        HttpUrl = httpUrl;
        Service = host.Services.GetRequiredService<DhtNodeService>();
    }

    public DhtNodeService Service { get; }

    /// <summary>The HTTP API's address once started (the port chosen when 0 was asked), else null.</summary>
    public string? HttpUrl { get; private set; }

    /// <summary>Builds the host; nothing runs until <see cref="StartAsync"/>.</summary>
    public static ServiceHost Create(Action<DhtHostOptions> node, StorageOptions? storage, string? http, LogLevel level)
    {
        if (http is null)
        {
            var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
            Configure(builder.Services, builder.Logging, node, storage, level);
            return new ServiceHost(builder.Build(), null);
        }

        var url = HttpUrlOf(http);
        var web = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        web.WebHost.UseUrls(url);
        Configure(web.Services, web.Logging, node, storage, level);
        web.Services.AddDhtMetrics();
        web.Services.AddDhtHttpApi();
        var app = web.Build();
        app.MapDhtApi();
        app.MapDhtDashboard();
        return new ServiceHost(app, url);
    }

    /// <summary>Starts the node (and the HTTP API); a store that cannot open throws its one-sentence error here.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _host.StartAsync(cancellationToken).ConfigureAwait(false);
        if (HttpUrl is not null && _host.Services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>() is { } addresses && addresses.Addresses.Count > 0)
        {
            HttpUrl = addresses.Addresses.First();
        }
    }

    /// <summary>The graceful path every stop signal takes, bounded by <see cref="StopTimeout"/>.</summary>
    /// <exception cref="CliException">The stop took longer than allowed.</exception>
    public async Task StopAsync()
    {
        using var bound = new CancellationTokenSource(StopTimeout);
        try
        {
            await _host.StopAsync(bound.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (bound.IsCancellationRequested)
        {
            throw new CliException($"The node did not stop within {StopTimeout.TotalSeconds:0} s; exiting anyway.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is IAsyncDisposable asynchronous)
        {
            await asynchronous.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            _host.Dispose();
        }
    }

    /// <summary>"PORT" (on 127.0.0.1) or "HOST:PORT" as the URL Kestrel listens on.</summary>
    /// <exception cref="UsageException">Not an IPv4 address and port.</exception>
    public static string HttpUrlOf(string http)
    {
        var colon = http.LastIndexOf(':');
        var host = colon < 0 ? "127.0.0.1" : http[..colon];
        var portText = colon < 0 ? http : http[(colon + 1)..];
        if (!Ipv4Endpoint.TryParseHost(host, out _) || !int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new UsageException($"--http '{http}' is not PORT or IPv4-HOST:PORT (for example 127.0.0.1:8080).");
        }

        return $"http://{host}:{port}";
    }

    private static void Configure(IServiceCollection services, ILoggingBuilder logging, Action<DhtHostOptions> node, StorageOptions? storage, LogLevel level)
    {
        logging.ClearProviders();
        OneLineLogger.AddTo(logging.SetMinimumLevel(level));
        logging.AddFilter("Microsoft", LogLevel.Warning);
        logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.None);
        logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);

        // One stop path: the CLI's signal handling; no console lifetime of the host's own.
        services.AddSingleton<IHostLifetime, QuietLifetime>();
        services.Configure<HostOptions>(o => o.ShutdownTimeout = StopTimeout);
        services.AddDhtNode(node);
        if (storage is not null)
        {
            services.AddDhtStorage(storage);
        }
    }

    private sealed class QuietLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
