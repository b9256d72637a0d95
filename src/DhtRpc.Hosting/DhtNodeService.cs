using System.Diagnostics.Metrics;
using DhtRpc.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace DhtRpc.Hosting;

/// <summary>
/// The hosted service behind <see cref="DhtServiceCollectionExtensions.AddDhtNode(Microsoft.Extensions.DependencyInjection.IServiceCollection, Action{DhtHostOptions}?)"/>:
/// starts a node (with storage when <c>AddDhtStorage</c> was called) when the host starts, and on
/// stop saves its peers, leaves the network and closes the store. Stopping is bounded by the host's
/// shutdown timeout.
/// </summary>
public sealed class DhtNodeService : IHostedService, IAsyncDisposable
{
    private readonly IOptions<DhtHostOptions> _options;
    private readonly IServiceProvider _services;
    private readonly DhtNodeCustomization _customization;
    private readonly ILoggerFactory? _loggers;
    private readonly TimeProvider _time;
    private readonly IMeterFactory? _meters;
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private DhtNodeHost? _host;

    /// <summary>Made by dependency injection (see <see cref="DhtServiceCollectionExtensions"/>).</summary>
    internal DhtNodeService(IOptions<DhtHostOptions> options, DhtNodeCustomization customization, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(customization);
        ArgumentNullException.ThrowIfNull(services);
        // Options are read when the node starts, after the host checked them.
        _options = options;
        _services = services;
        _customization = customization;
        _loggers = (ILoggerFactory?)services.GetService(typeof(ILoggerFactory));
        _time = (TimeProvider?)services.GetService(typeof(TimeProvider)) ?? TimeProvider.System;
        _meters = (IMeterFactory?)services.GetService(typeof(IMeterFactory));
        StartedAt = _time.GetUtcNow();
    }

    /// <summary>Raised with the node before it binds its sockets, to watch its events.</summary>
    public event Action<DhtNode>? Creating;

    /// <summary>The running node and what it serves; null until the host has started it.</summary>
    public DhtNodeHost? Host => _host;

    /// <summary>The node.</summary>
    /// <exception cref="InvalidOperationException">The host has not started it yet.</exception>
    public DhtNode Node => _host?.Node ?? throw new InvalidOperationException("The DHT node has not started yet: start the host first.");

    /// <summary>The storage commands, when storage was added; else null.</summary>
    public StorageNode? Storage => _host?.Storage;

    /// <summary>The options the node runs with.</summary>
    public DhtHostOptions Options => _options.Value;

    /// <summary>The storage options, when storage was added.</summary>
    public DhtStorageHostOptions? StorageOptions => _customization.StorageEnabled
        ? ((IOptions<DhtStorageHostOptions>?)_services.GetService(typeof(IOptions<DhtStorageHostOptions>)))?.Value
        : null;

    /// <summary>When the service was made (for uptime).</summary>
    public DateTimeOffset StartedAt { get; }

    /// <summary>Completes once the node has started (not yet joined; see <see cref="JoinedAsync"/>).</summary>
    public Task Started => _started.Task;

    /// <summary>Completes once the node has joined the network (its first walk toward its own id ended).</summary>
    public async Task JoinedAsync(CancellationToken cancellationToken = default)
    {
        await Started.WaitAsync(cancellationToken).ConfigureAwait(false);
        await Node.FullyBootstrappedAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var node = _customization.Apply(new DhtNodeOptions
        {
            Host = Options.Host,
            Port = Options.Port,
            AnyPort = Options.Port == 0,
            Bootstrap = [.. Options.Bootstrap],
            LoggerFactory = _loggers,
            TimeProvider = _time,
            Limits = new Limits.NodeLimits { ApplyToLocalAddresses = Options.LimitLocal },
            Meter = Meter(DhtMetrics.MeterName),
        });
        var storage = _customization.StorageEnabled ? _customization.Storage ?? StorageOptions?.ToStorageOptions() : null;
        storage = storage is null ? null : storage with { Meter = storage.Meter ?? Meter(StorageMetrics.MeterName) };
        try
        {
            _host = Options.Bootstrapper
                ? DhtNodeHost.StartBootstrapper(node, Options.Port)
                : DhtNodeHost.Start(node, Options.DataDirectory, storage, n => Creating?.Invoke(n), Options.PeerSaveInterval, Options.SavedPeers);
            _started.TrySetResult();
        }
        catch (Exception e)
        {
            _started.TrySetException(e);
            throw;
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// The meter a node's instruments go on, from the host's meter factory (which owns and disposes
    /// it), tagged with the node's configured address so that several nodes in one process stay apart.
    /// </summary>
    private Meter? Meter(string name) => _meters?.Create(new MeterOptions(name)
    {
        Tags = [new("dht.node.host", Options.Host), new("dht.node.port", Options.Port)],
    });

    /// <inheritdoc/>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_host is { } host)
        {
            await host.DisposeAsync().AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        if (_host is { } host)
        {
            await host.DisposeAsync().ConfigureAwait(false);
        }
    }
}
