namespace DhtRpc.Rpc;

/// <summary>
/// Per-destination request timeouts learnt from measured round trips (dht-rpc's `adaptiveTimeout`
/// option). A destination with known round trips waits (mean + 2 × deviation) × attempt, plus jitter,
/// within [<see cref="Min"/>, <see cref="Max"/>]; an unknown one waits <see cref="Fallback"/>[attempt]
/// plus jitter. A request's own <see cref="RequestOptions.Timeout"/> still wins.
/// </summary>
public sealed record AdaptiveTimeoutOptions
{
    /// <summary>Slow start, rapid backoff: 250, 500, 1000, 2000, 4000 ms (the default fallback).</summary>
    public static IReadOnlyList<TimeSpan> Exponential { get; } = Milliseconds(250, 500, 1000, 2000, 4000);

    /// <summary>Quick first retries: 500, 750, 1000, 1500, 2000 ms.</summary>
    public static IReadOnlyList<TimeSpan> Aggressive { get; } = Milliseconds(500, 750, 1000, 1500, 2000);

    /// <summary>Steady increase: 500, 1000, 1500, 2000, 2500 ms.</summary>
    public static IReadOnlyList<TimeSpan> Linear { get; } = Milliseconds(500, 1000, 1500, 2000, 2500);

    /// <summary>Shortest timeout for a destination with known round trips.</summary>
    public TimeSpan Min { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>Longest timeout for a destination with known round trips.</summary>
    public TimeSpan Max { get; init; } = TimeSpan.FromMilliseconds(4000);

    /// <summary>Random extra wait, uniform in [0, Jitter), so retries of many requests do not line up.</summary>
    public TimeSpan Jitter { get; init; } = TimeSpan.FromMilliseconds(256);

    /// <summary>How long a destination's round trips are remembered without news (between this and twice this).</summary>
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Most destinations remembered at once (older ones are forgotten first).</summary>
    public int MaxSize { get; init; } = 65536;

    /// <summary>Timeouts of attempts 1, 2, … to a destination never measured (the last repeats).</summary>
    public IReadOnlyList<TimeSpan> Fallback { get; init; } = Exponential;

    private static TimeSpan[] Milliseconds(params int[] values) => [.. values.Select(v => TimeSpan.FromMilliseconds(v))];
}
