using DhtRpc.Health;
using DhtRpc.Routing;
using Microsoft.Extensions.Logging;

namespace DhtRpc;

/// <summary>The 5-second tick: liveness pings, refreshes, adaptivity, health, sleep detection; suspend and shutdown.</summary>
public sealed partial class DhtNode
{
    private static readonly TimeSpan TickInterval = TimeSpan.FromSeconds(5);

    /// <summary>A gap this long between ticks means the machine slept.</summary>
    private static readonly TimeSpan SleepingInterval = TimeSpan.FromSeconds(15);

    /// <summary>~20 minutes without trouble before an adaptive node re-checks its network.</summary>
    private const int StableTicks = 240;

    private const int MoreStableTicks = 3 * StableTicks;

    /// <summary>Refresh every ~5 minutes when idle.</summary>
    private const int RefreshTicks = 60;

    private readonly int _downHintsRateLimit;
    private ITimer? _tickTimer;
    private long _refreshTicks;
    private long _stableTicks;
    private long _lastTickTimestamp;
    private int _downHintsSentPerTick;

    /// <summary>Raised when online or degraded changes.</summary>
    public event Action? NetworkUpdated
    {
        add => _network.NetworkUpdated += value;
        remove => _network.NetworkUpdated -= value;
    }

    /// <summary>
    /// Raised (on the node's context) when the machine's network interfaces or addresses change, followed
    /// by <see cref="NetworkUpdated"/>; read them with <see cref="System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces"/>.
    /// </summary>
    public event Action? NetworkChanged
    {
        add => _network.NetworkChanged += value;
        remove => _network.NetworkChanged -= value;
    }

    /// <summary>Raised after a wake-up from sleep or a resume.</summary>
    public event Action? WokeUp;

    /// <summary>Raised once the node has suspended (see <see cref="SuspendAsync"/>).</summary>
    public event Action? SuspendedEvent;

    /// <summary>Raised once the node has resumed (see <see cref="ResumeAsync"/>).</summary>
    public event Action? Resumed;

    /// <summary>Raised once, when the node is destroyed.</summary>
    public event Action? Closed;

    /// <summary>The current tick number (starts at a random offset).</summary>
    public long Tick => _keeper.Tick;

    /// <summary>Stops all I/O and timers until <see cref="ResumeAsync"/>; requests in flight fail with IO_SUSPENDED.</summary>
    public Task SuspendAsync() => RunOnContextAsync(async () =>
    {
        if (Suspended || Destroyed)
        {
            return;
        }

        Suspended = true;
        _tickTimer?.Dispose();
        _tickTimer = null;
        Io.Suspended = true;
        await Io.ClearAsync(suspended: true).ConfigureAwait(true);
        Io.Congestion.Clear();
        LogSuspended(_logger);
        SuspendedEvent?.Invoke();
    });

    /// <summary>Rebinds (same ports when possible), treats the pause as a wake-up and refreshes.</summary>
    public Task ResumeAsync() => RunOnContextAsync(() =>
    {
        if (!Suspended || Destroyed)
        {
            return;
        }

        Suspended = false;
        StartTickTimer();
        OnWakeup();
        Io.Suspended = false;
        Io.Bind();
        Refresh();
        LogResumed(_logger);
        Resumed?.Invoke();
    });

    /// <summary>Advances one tick by hand (what the tick timer does every 5 s).</summary>
    internal void OnTick()
    {
        var now = Options.TimeProvider.GetTimestamp();
        if (Options.TimeProvider.GetElapsedTime(_lastTickTimestamp, now) > SleepingInterval && !Suspended)
        {
            OnWakeup();
        }
        else
        {
            _keeper.Tick++;
        }

        _lastTickTimestamp = now;
        Io.Budgets?.Sweep();
        if (!Bootstrapped || Suspended || Destroyed)
        {
            return;
        }

        if (Adaptive && Ephemeral && --_stableTicks <= 0)
        {
            if (_persistence.LastCheckedHost == _keeper.Nat.Host)
            {
                _stableTicks = MoreStableTicks;
            }
            else
            {
                _ = _persistence.RunAsync(onlyFirewall: false);
            }
        }

        if ((_keeper.Tick & 7) == 0)
        {
            PingSome();
        }

        if (((_keeper.Tick & 63) == 0 && Nodes.Count < Table.K) || --_refreshTicks <= 0)
        {
            Refresh();
        }

        _downHintsSentPerTick = 0;
        _network.Update();
    }

    private void StartTickTimer()
    {
        _lastTickTimestamp = Options.TimeProvider.GetTimestamp();
        _tickTimer = Options.TimeProvider.CreateTimer(static s => ((DhtNode)s!).Post(((DhtNode)s!).OnTick), this, TickInterval, TickInterval);
    }

    /// <summary>After sleep everything looks old: re-ping soon, refresh now, forget the network we checked.</summary>
    private void OnWakeup()
    {
        _keeper.Tick += 2 * TableKeeper.OldNode;
        _keeper.Tick += 8 - (_keeper.Tick & 7) - 2;
        _stableTicks = MoreStableTicks;
        _refreshTicks = 1;
        _persistence.Forget();
        _network.Reset();
        if (Adaptive && !Ephemeral)
        {
            Ephemeral = Io.Ephemeral = true;
            LogBecameEphemeral(_logger);
            BecameEphemeral?.Invoke();
        }

        LogWokeUp(_logger, _keeper.Tick);
        WokeUp?.Invoke();
    }

    /// <summary>Every 8 ticks: liveness-check a few of the stalest entries.</summary>
    private void PingSome()
    {
        var count = Io.InflightCount > 2 ? 3 : 5;
        var oldest = Nodes.Oldest;
        if (oldest is null)
        {
            Refresh();
            return;
        }

        if (_keeper.Tick - oldest.Pinged < TableKeeper.RecentNode)
        {
            count = 2;
        }

        while (count-- > 0)
        {
            if (oldest is null || _keeper.Tick == oldest.Pinged)
            {
                continue;
            }

            var next = Routing.TimeOrderedNodes.Newer(oldest);
            _keeper.Check(oldest);
            oldest = next;
        }
    }

    private void Refresh()
    {
        if (Destroyed || Suspended)
        {
            return;
        }

        var node = Table.Random(_random);
        BackgroundQuery(node?.Id ?? Table.Id);
    }

    /// <summary>Per-tick budget of down hints (-1 = unlimited).</summary>
    internal bool TryTakeDownHintBudget()
    {
        if (_downHintsRateLimit != -1 && _downHintsSentPerTick >= _downHintsRateLimit)
        {
            return false;
        }

        _downHintsSentPerTick++;
        return true;
    }

    private async Task DestroyAsync()
    {
        var emitClose = !Destroyed;
        Destroyed = true;
        _tickTimer?.Dispose();
        _tickTimer = null;
        _network.Dispose();
        _builtIn.Dispose();
        await Io.ClearAsync(suspended: false).ConfigureAwait(true);
        _join.Abandon();
        if (emitClose)
        {
            LogClosed(_logger);
            Closed?.Invoke();
        }
    }

    [LoggerMessage(EventId = 1043, Level = LogLevel.Information, Message = "Woke up from sleep or a resume: tick {Tick}, re-checking the table and the network")]
    private static partial void LogWokeUp(ILogger logger, long tick);

    [LoggerMessage(EventId = 1032, Level = LogLevel.Information, Message = "Back to ephemeral after waking up: the network may have changed")]
    private static partial void LogBecameEphemeral(ILogger logger);

    [LoggerMessage(EventId = 1060, Level = LogLevel.Information, Message = "Suspended: sockets closed, requests in flight failed")]
    private static partial void LogSuspended(ILogger logger);

    [LoggerMessage(EventId = 1061, Level = LogLevel.Information, Message = "Resumed: sockets bound again")]
    private static partial void LogResumed(ILogger logger);

    [LoggerMessage(EventId = 1062, Level = LogLevel.Information, Message = "Closed")]
    private static partial void LogClosed(ILogger logger);
}
