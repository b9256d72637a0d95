namespace DhtRpc.Storage.HyperDht;

/// <summary>
/// When a generational cache drops its older generation for age: every two thirds of the maximum age,
/// skipped once when the cache already rotated for size since the last tick. Read lazily from the
/// clock, so the caches need no timer.
/// </summary>
internal sealed class GenerationTicker
{
    private readonly TimeSpan _tick;
    private readonly TimeProvider _time;
    private DateTimeOffset _lastTick;
    private bool _rotatedSinceTick;

    public GenerationTicker(TimeSpan maxAge, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _tick = maxAge > TimeSpan.Zero ? TimeSpan.FromTicks(Math.Max(1, (long)Math.Ceiling(maxAge.Ticks * 2.0 / 3))) : TimeSpan.Zero;
        _time = time;
        _lastTick = time.GetUtcNow();
    }

    /// <summary>The cache rotated because its newest generation filled up.</summary>
    public void NoteRotation() => _rotatedSinceTick = true;

    /// <summary>How many rotations are due now (two empty the cache, so never more).</summary>
    public int Due()
    {
        if (_tick == TimeSpan.Zero)
        {
            return 0;
        }

        var ticks = (_time.GetUtcNow() - _lastTick).Ticks / _tick.Ticks;
        if (ticks == 0)
        {
            return 0;
        }

        _lastTick += TimeSpan.FromTicks(ticks * _tick.Ticks);
        var due = (int)Math.Min(ticks, 2) - (_rotatedSinceTick ? 1 : 0);
        _rotatedSinceTick = false;
        return due;
    }
}
