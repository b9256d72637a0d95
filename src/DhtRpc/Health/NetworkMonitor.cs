using DhtRpc.Rpc;
using DhtRpc.Threading;
using DhtRpc.Transport;
using Microsoft.Extensions.Logging;

namespace DhtRpc.Health;

/// <summary>
/// The node's network state: online and degraded as the tick-by-tick <see cref="NetworkHealth"/>
/// window judges them, and the machine's interface changes. Used from the node's context only.
/// </summary>
internal sealed partial class NetworkMonitor : IDisposable
{
    private readonly NetworkHealth _health;
    private readonly RequestStats _requests;
    private readonly NodeContext _context;
    private readonly ILogger _logger;
    private IDisposable? _watch;
    private bool _disposed;

    public NetworkMonitor(NetworkHealth health, RequestStats requests, NodeContext context, ILogger logger)
    {
        _health = health;
        _requests = requests;
        _context = context;
        _logger = logger;
    }

    /// <summary>Raised when <see cref="Online"/> or <see cref="Degraded"/> changes, and after interface changes.</summary>
    public event Action? NetworkUpdated;

    /// <summary>Raised when the machine's interfaces or addresses change.</summary>
    public event Action? NetworkChanged;

    public bool Online { get; private set; } = true;

    public bool Degraded { get; private set; }

    /// <summary>This tick's look at the request counters; raises <see cref="NetworkUpdated"/> on a change.</summary>
    public void Update() => ApplyHealth(_health.Update(_requests.Responses, _requests.Timeouts));

    /// <summary>After a wake-up: the window starts over and the node counts as online.</summary>
    public void Reset()
    {
        ApplyHealth(_health.Reset());
        SetNetworkState(online: true, degraded: false);
    }

    /// <summary>Stops watching the interfaces (the node is destroyed); later changes are ignored.</summary>
    public void Dispose()
    {
        _disposed = true;
        _watch?.Dispose();
        _watch = null;
    }

    private void ApplyHealth(HealthTransition transition)
    {
        switch (transition)
        {
            case HealthTransition.BecameOnline:
                SetNetworkState(online: true, degraded: false);
                break;
            case HealthTransition.BecameDegraded:
                SetNetworkState(online: true, degraded: true);
                break;
            case HealthTransition.BecameOffline:
                SetNetworkState(online: false, degraded: false);
                break;
        }
    }

    private void SetNetworkState(bool online, bool degraded)
    {
        if (Online == online && Degraded == degraded)
        {
            return;
        }

        Online = online;
        Degraded = degraded;
        LogNetworkState(_logger, online, degraded);
        NetworkUpdated?.Invoke();
    }

    /// <summary>Subscribes to interface changes; a platform that cannot report them just goes without.</summary>
    public void Watch(INetworkInterfaceWatcher? watcher)
    {
        if (watcher is null)
        {
            return;
        }

        try
        {
            _watch = watcher.Subscribe(() => _context.Post(OnNetworkChanged));
        }
        catch (Exception e) when (e is System.Net.NetworkInformation.NetworkInformationException or PlatformNotSupportedException)
        {
            LogNetworkWatchUnavailable(_logger, e);
        }
    }

    private void OnNetworkChanged()
    {
        if (_disposed)
        {
            return;
        }

        LogNetworkChanged(_logger);
        NetworkChanged?.Invoke();
        NetworkUpdated?.Invoke();
    }

    [LoggerMessage(EventId = 1040, Level = LogLevel.Information, Message = "Network state: online {Online}, degraded {Degraded}")]
    private static partial void LogNetworkState(ILogger logger, bool online, bool degraded);

    [LoggerMessage(EventId = 1041, Level = LogLevel.Information, Message = "Network interfaces changed")]
    private static partial void LogNetworkChanged(ILogger logger);

    [LoggerMessage(EventId = 1042, Level = LogLevel.Warning, Message = "Network interface changes cannot be watched here")]
    private static partial void LogNetworkWatchUnavailable(ILogger logger, Exception error);
}
