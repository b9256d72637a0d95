namespace DhtRpc.Simulation;

/// <summary>
/// A timer of a <see cref="VirtualClock"/>. Its state is only changed by the clock, under the clock's lock;
/// bumping <see cref="Version"/> invalidates every queue entry scheduled before, which is how Change and
/// Dispose cancel without searching the queue.
/// </summary>
internal sealed class VirtualTimer : ITimer
{
    private readonly VirtualClock _clock;

    public VirtualTimer(VirtualClock clock, TimerCallback callback, object? state)
    {
        _clock = clock;
        Callback = callback;
        State = state;
    }

    public TimerCallback Callback { get; }

    public object? State { get; }

    public long Version { get; set; }

    /// <summary>Period in ticks; 0 for a one-shot timer.</summary>
    public long Period { get; set; }

    public bool Armed { get; set; }

    public bool Disposed { get; set; }

    public bool Change(TimeSpan dueTime, TimeSpan period) => _clock.Change(this, dueTime, period);

    public void Dispose() => _clock.Cancel(this);

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
