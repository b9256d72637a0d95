using DhtRpc.Wire;

namespace DhtRpc.Rpc;

/// <summary>
/// Round-trip estimates per destination and the timeouts derived from them (see
/// <see cref="AdaptiveTimeoutOptions"/>). Estimates are whole milliseconds blended like TCP's
/// smoothed RTT: mean += (sample − mean) / 8, deviation += (|mean − sample| − deviation) / 4.
/// Used from the node's context only.
/// </summary>
internal sealed class AdaptiveTimeout
{
    private readonly AdaptiveTimeoutOptions _options;
    private readonly TimeProvider _time;
    private Dictionary<Ipv4Endpoint, Estimate> _current = [];
    private Dictionary<Ipv4Endpoint, Estimate> _previous = [];
    private long _generationStarted;

    public AdaptiveTimeout(AdaptiveTimeoutOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Fallback.Count == 0)
        {
            throw new ArgumentException("AdaptiveTimeoutOptions.Fallback needs at least one timeout.", nameof(options));
        }

        _options = options;
        _time = time;
        _generationStarted = time.GetTimestamp();
    }

    /// <summary>Records a round trip to <paramref name="to"/>.</summary>
    public void Put(Ipv4Endpoint to, TimeSpan roundTrip)
    {
        var sample = (int)Math.Min(int.MaxValue, Math.Max(0, roundTrip.TotalMilliseconds));
        var estimate = Find(to) is { } known
            ? new Estimate(known.Mean + ((sample - known.Mean) >> 3), known.Deviation + ((Math.Abs(known.Mean - sample) - known.Deviation) >> 2))
            : new Estimate(sample, sample >> 1);
        Store(to, estimate);
    }

    /// <summary>The timeout of attempt <paramref name="attempt"/> (1 = the first send) to <paramref name="to"/>.</summary>
    public TimeSpan Get(Ipv4Endpoint to, int attempt, Random random)
    {
        var jitter = _options.Jitter > TimeSpan.Zero ? TimeSpan.FromMilliseconds(random.Next((int)_options.Jitter.TotalMilliseconds)) : TimeSpan.Zero;
        if (Find(to) is { } known)
        {
            var backoff = TimeSpan.FromMilliseconds((known.Mean + (2L * known.Deviation)) * Math.Max(1, attempt));
            return Clamp(backoff + jitter);
        }

        return _options.Fallback[Math.Clamp(attempt - 1, 0, _options.Fallback.Count - 1)] + jitter;
    }

    private TimeSpan Clamp(TimeSpan value) => value < _options.Min ? _options.Min : value > _options.Max ? _options.Max : value;

    private Estimate? Find(Ipv4Endpoint to)
    {
        Rotate();
        if (_current.TryGetValue(to, out var estimate))
        {
            return estimate;
        }

        if (_previous.Remove(to, out estimate))
        {
            Store(to, estimate); // still in use: keep it for another generation
            return estimate;
        }

        return null;
    }

    private void Store(Ipv4Endpoint to, Estimate estimate)
    {
        if (!_current.ContainsKey(to) && _current.Count >= Math.Max(1, _options.MaxSize / 2))
        {
            NewGeneration();
        }

        _current[to] = estimate;
    }

    /// <summary>Two generations: an entry untouched for a whole generation is dropped with the older one.</summary>
    private void Rotate()
    {
        if (_time.GetElapsedTime(_generationStarted) >= _options.MaxAge)
        {
            NewGeneration();
        }
    }

    private void NewGeneration()
    {
        _previous = _current;
        _current = [];
        _generationStarted = _time.GetTimestamp();
    }

    private readonly record struct Estimate(int Mean, int Deviation);
}
