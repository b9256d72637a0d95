namespace DhtRpc.Health;

/// <summary>The network state a node reports (its online/degraded flags).</summary>
public enum NetworkStatus
{
    /// <summary>Requests get answers.</summary>
    Online,

    /// <summary>Many requests time out, but some are answered.</summary>
    Degraded,

    /// <summary>Requests are not answered.</summary>
    Offline,
}

/// <summary>What an <see cref="NetworkHealth.Update"/> or <see cref="NetworkHealth.Reset"/> changed in the reported state.</summary>
internal enum HealthTransition
{
    None,
    BecameOnline,
    BecameDegraded,
    BecameOffline,
}

/// <summary>Point-in-time view of the health window.</summary>
public readonly record struct HealthStats(
    bool Online,
    bool Degraded,
    bool Cold,
    bool Idle,
    long Responses,
    long Timeouts,
    double TimeoutsRate);

/// <summary>
/// Judges connectivity from request outcomes, once per tick, over a window of the last 4 cumulative
/// (responses, timeouts) snapshots. Each tick is classified by its deltas: ignored while the window
/// is not full ("cold") or there were fewer than 4 outcomes ("idle"); an "offline" tick has no
/// responses at all; otherwise "degraded" when more than half of the outcomes were timeouts, else
/// "healthy". Two consecutive offline ticks take the node offline, any tick with responses brings it
/// back; it becomes degraded when all 4 window ticks are degraded and stops being degraded when it is
/// offline or all 4 are healthy.
/// </summary>
public sealed class NetworkHealth
{
    /// <summary>Ticks the window holds.</summary>
    public const int WindowSize = 4;

    /// <summary>A tick with fewer outcomes than this is idle.</summary>
    public const int IdleThreshold = 4;

    /// <summary>Consecutive offline ticks before the node reports offline.</summary>
    public const int OfflineThreshold = 2;

    /// <summary>The timeout share above which a tick counts as degraded.</summary>
    public const double DegradedTimeoutRate = 0.5;

    private readonly Snapshot[] _window = new Snapshot[WindowSize];
    private int _length;
    private int _head = -1;
    private int _degradedTicks;
    private int _healthyTicks;
    private int _offlineTicks;

    /// <summary>The window's judgement: false after <see cref="OfflineThreshold"/> consecutive offline ticks.</summary>
    public bool Online { get; internal set; } = true;

    /// <summary>The window's judgement: true once every tick in a full window is degraded.</summary>
    public bool Degraded { get; internal set; }

    /// <summary>The state last reported to the node; changes are returned by <see cref="Update"/> and <see cref="Reset"/>.</summary>
    public NetworkStatus Status { get; private set; } = NetworkStatus.Online;

    /// <summary>Fewer than <see cref="WindowSize"/> snapshots taken since creation or the last reset.</summary>
    public bool Cold => _length < WindowSize;

    /// <summary>Fewer than <see cref="IdleThreshold"/> outcomes during the last tick.</summary>
    public bool Idle => Responses + Timeouts < IdleThreshold;

    /// <summary>Responses during the last tick (0 with fewer than two snapshots).</summary>
    public long Responses => _length < 2 ? 0 : Newest.Responses - Previous.Responses;

    /// <summary>Timeouts during the last tick (0 with fewer than two snapshots).</summary>
    public long Timeouts => _length < 2 ? 0 : Newest.Timeouts - Previous.Timeouts;

    /// <summary>Timeouts as a share of the last tick's outcomes (0 without timeouts).</summary>
    public double TimeoutsRate
    {
        get
        {
            var timeouts = Timeouts;
            return timeouts == 0 ? 0 : (double)timeouts / (Responses + timeouts);
        }
    }

    /// <summary>All of the above in one value.</summary>
    public HealthStats Stats => new(Online, Degraded, Cold, Idle, Responses, Timeouts, TimeoutsRate);

    /// <summary>Number of snapshots held (0 to <see cref="WindowSize"/>).</summary>
    internal int WindowLength => _length;

    private ref readonly Snapshot Newest => ref _window[_head];

    private ref readonly Snapshot Previous => ref _window[(_head + WindowSize - 1) % WindowSize];

    /// <summary>The cumulative counters stored in ring slot <paramref name="slot"/>, or null if never written.</summary>
    internal (long Responses, long Timeouts)? SnapshotAt(int slot) =>
        slot < _length ? (_window[slot].Responses, _window[slot].Timeouts) : null;

    /// <summary>
    /// Takes this tick's snapshot of the node's cumulative request counters and re-evaluates the
    /// state. Returns the change in the reported state, if any.
    /// </summary>
    internal HealthTransition Update(long totalResponses, long totalTimeouts)
    {
        var next = (_head + 1) % WindowSize;
        if (_length == WindowSize)
        {
            // The oldest tick leaves the window.
            switch (_window[next].Kind)
            {
                case TickKind.Degraded:
                    _degradedTicks--;
                    break;
                case TickKind.Healthy:
                    _healthyTicks--;
                    break;
            }
        }
        else
        {
            _length++;
        }

        _head = next;
        _window[next] = new Snapshot(totalResponses, totalTimeouts, TickKind.Ignored);

        if (Cold || Idle)
        {
            return HealthTransition.None;
        }

        if (Responses == 0)
        {
            _window[next].Kind = TickKind.Offline;
            _offlineTicks++;
            if (_offlineTicks >= OfflineThreshold)
            {
                Online = false;
            }
        }
        else
        {
            _offlineTicks = 0;
            Online = true;
            if (TimeoutsRate > DegradedTimeoutRate)
            {
                _window[next].Kind = TickKind.Degraded;
                _degradedTicks++;
            }
            else
            {
                _window[next].Kind = TickKind.Healthy;
                _healthyTicks++;
            }
        }

        if (Online && _degradedTicks == WindowSize)
        {
            Degraded = true;
        }

        if (!Online || _healthyTicks == WindowSize)
        {
            Degraded = false;
        }

        return Report(Online && !Degraded ? NetworkStatus.Online : Degraded ? NetworkStatus.Degraded : NetworkStatus.Offline);
    }

    /// <summary>Empties the window and reports online and not degraded (after wake-up or resume).</summary>
    internal HealthTransition Reset()
    {
        Array.Clear(_window);
        _length = 0;
        _head = -1;
        _degradedTicks = 0;
        _healthyTicks = 0;
        _offlineTicks = 0;
        Online = true;
        Degraded = false;
        return Report(NetworkStatus.Online);
    }

    private HealthTransition Report(NetworkStatus status)
    {
        if (status == Status)
        {
            return HealthTransition.None;
        }

        Status = status;
        return status switch
        {
            NetworkStatus.Online => HealthTransition.BecameOnline,
            NetworkStatus.Degraded => HealthTransition.BecameDegraded,
            _ => HealthTransition.BecameOffline,
        };
    }

    private enum TickKind : byte
    {
        Ignored,
        Offline,
        Degraded,
        Healthy,
    }

    private struct Snapshot(long responses, long timeouts, TickKind kind)
    {
        public long Responses { get; } = responses;

        public long Timeouts { get; } = timeouts;

        public TickKind Kind { get; set; } = kind;
    }
}
