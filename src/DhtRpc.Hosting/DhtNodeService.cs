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
    private readonly DhtHostOptions _options;
    private readonly DhtStorageHostOptions? _storage;
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
        _options = options.Value;
        _customization = customization;
        _storage = customization.StorageEnabled ? ((IOptions<DhtStorageHostOptions>?)services.GetService(typeof(IOptions<DhtStorageHostOptions>)))?.Value : null;
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
    public DhtHostOptions Options => _options;

    /// <summary>The storage options, when storage was added.</summary>
    public DhtStorageHostOptions? StorageOptions => _storage;

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
            Host = _options.Host,
            Port = _options.Port,
            AnyPort = _options.Port == 0,
            Bootstrap = [.. _options.Bootstrap],
            LoggerFactory = _loggers,
            TimeProvider = _time,
            Limits = new Limits.NodeLimits { ApplyToLocalAddresses = _options.LimitLocal },
            Meter = Meter(DhtMetrics.MeterName),
        });
        var storage = _customization.StorageEnabled ? _customization.Storage ?? _storage?.ToStorageOptions() : null;
        storage = storage is null ? null : storage with { Meter = storage.Meter ?? Meter(StorageMetrics.MeterName) };
        try
        {
            _host = _options.Bootstrapper
                ? DhtNodeHost.StartBootstrapper(node, _options.Port)
                : DhtNodeHost.Start(node, _options.DataDirectory, storage, n => Creating?.Invoke(n), _options.PeerSaveInterval, _options.SavedPeers);
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
        Tags = [new("dht.node.host", _options.Host), new("dht.node.port", _options.Port)],
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
