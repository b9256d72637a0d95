namespace DhtRpc.Simulation;

/// <summary>
/// A manual <see cref="TimeProvider"/>: time moves only when <see cref="FireNext"/> or <see cref="Advance"/>
/// is called, and timer callbacks run synchronously on the calling thread in due order, timers due at the
/// same instant in the order they were scheduled. A simulation driven by it replays identically every run.
/// </summary>
/// <remarks>
/// The clock is meant to be driven by one thread. Timers may be created, changed or disposed from any
/// thread (a lock keeps the queue consistent), but driving the clock from two threads at once throws
/// <see cref="InvalidOperationException"/> rather than firing timers out of order.
/// </remarks>
public sealed class VirtualClock : TimeProvider
{
    /// <summary>The instant a clock starts at unless told otherwise.</summary>
    public static readonly DateTimeOffset DefaultStart = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // Stale entries are skipped lazily; rebuild the queue only when they dominate it.
    private const int CompactionThreshold = 1024;

    private readonly Lock _gate = new();
    private readonly PriorityQueue<Scheduled, (long Due, long Sequence)> _queue = new();
    private readonly long _startTicks;
    private long _elapsed;
    private long _sequence;
    private int _pending;
    private int _stale;
    private int _driverThread;
    private int _driverDepth;

    /// <summary>A clock at <see cref="DefaultStart"/> that moves only when advanced.</summary>
    public VirtualClock()
        : this(DefaultStart)
    {
    }

    /// <summary>A clock at <paramref name="start"/> that moves only when advanced.</summary>
    public VirtualClock(DateTimeOffset start)
    {
        Start = start.ToUniversalTime();
        _startTicks = Start.UtcTicks;
    }

    /// <summary>The virtual instant the clock started at.</summary>
    public DateTimeOffset Start { get; }

    /// <summary>Virtual time passed since <see cref="Start"/>.</summary>
    public TimeSpan Elapsed => TimeSpan.FromTicks(Volatile.Read(ref _elapsed));

    /// <summary>Timers currently armed (disposed, changed-to-infinite and fired one-shot timers excluded).</summary>
    public int PendingTimers
    {
        get
        {
            lock (_gate)
            {
                return _pending;
            }
        }
    }

    /// <summary>UTC: virtual time has no local zone.</summary>
    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    /// <summary>Ticks of 100 ns, like <see cref="TimeSpan"/>.</summary>
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    /// <summary>The start plus the virtual time elapsed.</summary>
    public override DateTimeOffset GetUtcNow() => new(_startTicks + Volatile.Read(ref _elapsed), TimeSpan.Zero);

    // Absolute ticks rather than elapsed ones, so no timestamp is ever 0 (which callers may treat as "unset").
    /// <summary>The virtual time in ticks.</summary>
    public override long GetTimestamp() => _startTicks + Volatile.Read(ref _elapsed);

    /// <summary>A timer that fires when the clock is advanced past its due time.</summary>
    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var timer = new VirtualTimer(this, callback, state);
        Change(timer, dueTime, period);
        return timer;
    }

    /// <summary>The due time of the earliest armed timer, if any.</summary>
    public bool TryGetNextDue(out DateTimeOffset due)
    {
        lock (_gate)
        {
            if (TryPeekLive(out _, out var ticks))
            {
                due = new DateTimeOffset(_startTicks + ticks, TimeSpan.Zero);
                return true;
            }
        }

        due = default;
        return false;
    }

    /// <summary>
    /// Moves time to the earliest armed timer and runs exactly that timer's callback (periodic timers are
    /// re-armed first, so the callback may change or dispose them). Returns false when no timer is armed.
    /// </summary>
    public bool FireNext()
    {
        EnterDriver();
        try
        {
            VirtualTimer timer;
            lock (_gate)
            {
                if (!TryPeekLive(out var entry, out var due))
                {
                    return false;
                }

                _queue.Dequeue();
                timer = entry.Timer;
                if (due > _elapsed)
                {
                    Volatile.Write(ref _elapsed, due);
                }

                if (timer.Period > 0)
                {
                    _queue.Enqueue(new Scheduled(timer, timer.Version), (SaturatingAdd(due, timer.Period), _sequence++));
                }
                else
                {
                    SetArmed(timer, false);
                }
            }

            timer.Callback(timer.State);
            return true;
        }
        finally
        {
            ExitDriver();
        }
    }

    /// <summary>
    /// Fires, in order, every timer due within <paramref name="delta"/> from now (time is set to each timer's
    /// due instant before its callback runs), then sets time to exactly now + <paramref name="delta"/>.
    /// </summary>
    public void Advance(TimeSpan delta)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delta, TimeSpan.Zero);
        EnterDriver();
        try
        {
            var target = SaturatingAdd(Volatile.Read(ref _elapsed), delta.Ticks);
            while (TryGetNextDueTicks(out var due) && due <= target)
            {
                FireNext();
            }

            lock (_gate)
            {
                if (target > _elapsed)
                {
                    Volatile.Write(ref _elapsed, target);
                }
            }
        }
        finally
        {
            ExitDriver();
        }
    }

    internal bool Change(VirtualTimer timer, TimeSpan dueTime, TimeSpan period)
    {
        var due = ToTicks(dueTime, nameof(dueTime));
        var every = ToTicks(period, nameof(period));
        lock (_gate)
        {
            if (timer.Disposed)
            {
                return false;
            }

            Invalidate(timer);
            timer.Period = every > 0 ? every : 0;
            if (due >= 0)
            {
                SetArmed(timer, true);
                _queue.Enqueue(new Scheduled(timer, timer.Version), (SaturatingAdd(_elapsed, due), _sequence++));
            }

            return true;
        }
    }

    internal void Cancel(VirtualTimer timer)
    {
        lock (_gate)
        {
            if (!timer.Disposed)
            {
                Invalidate(timer);
                timer.Disposed = true;
            }
        }
    }

    private static long ToTicks(TimeSpan value, string name)
    {
        if (value == Timeout.InfiniteTimeSpan)
        {
            return -1;
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero, name);
        return value.Ticks;
    }

    private static long SaturatingAdd(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;

    private bool TryGetNextDueTicks(out long due)
    {
        lock (_gate)
        {
            return TryPeekLive(out _, out due);
        }
    }

    // Caller holds _gate. Drops stale entries from the head until a live one (or nothing) is left.
    private bool TryPeekLive(out Scheduled entry, out long due)
    {
        while (_queue.TryPeek(out entry, out var priority))
        {
            if (entry.Version == entry.Timer.Version)
            {
                due = priority.Due;
                return true;
            }

            _queue.Dequeue();
            _stale--;
        }

        due = 0;
        return false;
    }

    // Caller holds _gate. Makes the timer's queued entry (if armed) stale.
    private void Invalidate(VirtualTimer timer)
    {
        timer.Version++;
        if (timer.Armed)
        {
            SetArmed(timer, false);
            _stale++;
            if (_stale > CompactionThreshold && _stale > _pending * 2)
            {
                Compact();
            }
        }
    }

    private void SetArmed(VirtualTimer timer, bool armed)
    {
        if (timer.Armed != armed)
        {
            timer.Armed = armed;
            _pending += armed ? 1 : -1;
        }
    }

    // Priorities are kept, so rebuilding never changes firing order.
    private void Compact()
    {
        var live = new List<(Scheduled, (long, long))>(_pending);
        foreach (var item in _queue.UnorderedItems)
        {
            if (item.Element.Version == item.Element.Timer.Version)
            {
                live.Add(item);
            }
        }

        _queue.Clear();
        _queue.EnqueueRange(live);
        _stale = 0;
    }

    private void EnterDriver()
    {
        var me = Environment.CurrentManagedThreadId;
        lock (_gate)
        {
            if (_driverDepth > 0 && _driverThread != me)
            {
                throw new InvalidOperationException(
                    "The virtual clock is already being driven by another thread; a simulation must run on one thread.");
            }

            _driverThread = me;
            _driverDepth++;
        }
    }

    private void ExitDriver()
    {
        lock (_gate)
        {
            _driverDepth--;
        }
    }

    private readonly record struct Scheduled(VirtualTimer Timer, long Version);
}
