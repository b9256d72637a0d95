namespace DhtRpc.Limits;

/// <summary>
/// A token bucket on <see cref="TimeProvider"/> timestamps: a value type refilled lazily when taken
/// from, so that checking a budget costs no allocation and no timer. A new bucket starts full.
/// </summary>
internal struct TokenBucket
{
    private double _tokens;
    private long _stamp;
    private bool _started;

    /// <summary>Takes <paramref name="amount"/> when the bucket holds it; false (and nothing taken) when not.</summary>
    /// <param name="amount">Tokens wanted.</param>
    /// <param name="rate">Tokens added per second.</param>
    /// <param name="depth">The most the bucket holds.</param>
    /// <param name="now">The current timestamp.</param>
    /// <param name="frequency">Timestamp ticks per second.</param>
    public bool TryTake(double amount, double rate, double depth, long now, long frequency)
    {
        Refill(rate, depth, now, frequency);
        if (_tokens < amount)
        {
            return false;
        }

        _tokens -= amount;
        return true;
    }

    private void Refill(double rate, double depth, long now, long frequency)
    {
        if (!_started)
        {
            _started = true;
            _tokens = depth;
            _stamp = now;
            return;
        }

        var elapsed = now - _stamp;
        if (elapsed <= 0)
        {
            return;
        }

        _stamp = now;
        _tokens = Math.Min(depth, _tokens + (elapsed * rate / frequency));
    }
}
