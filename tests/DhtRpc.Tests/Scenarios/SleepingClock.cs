namespace DhtRpc.Tests.Scenarios;

/// <summary>
/// Wraps the simulation's virtual clock to model a machine that slept: <see cref="Sleep"/> moves the
/// time the node reads forward without firing any timer, so the next timer fires on its usual
/// schedule but sees a gap as long as the sleep. Timers are the inner clock's, so the rest of the
/// simulation (network, other nodes) is unaffected.
/// </summary>
internal sealed class SleepingClock(TimeProvider inner) : TimeProvider
{
    private long _slept;

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    public override long GetTimestamp() => inner.GetTimestamp() + (_slept * inner.TimestampFrequency / TimeSpan.TicksPerSecond);

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow() + TimeSpan.FromTicks(_slept);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        inner.CreateTimer(callback, state, dueTime, period);

    /// <summary>Time jumps forward by <paramref name="duration"/>; no timer notices until it next fires.</summary>
    public void Sleep(TimeSpan duration) => _slept += duration.Ticks;
}
