namespace DhtRpc.Rpc;

/// <summary>
/// The node's round trip to anyone, smoothed like TCP's: mean += (sample − mean) / 8, deviation +=
/// (|sample − mean| − deviation) / 4. Fed with replies to a first send only (a reply after a
/// retransmission could answer either send). Used from the node's context only.
/// </summary>
internal sealed class RoundTripEstimate
{
    private double _meanMs;
    private double _deviationMs;

    /// <summary>False until the first sample.</summary>
    public bool HasSamples { get; private set; }

    public TimeSpan Mean => TimeSpan.FromMilliseconds(_meanMs);

    public TimeSpan Deviation => TimeSpan.FromMilliseconds(_deviationMs);

    public void Put(TimeSpan roundTrip)
    {
        var sample = roundTrip.TotalMilliseconds;
        if (!HasSamples)
        {
            HasSamples = true;
            _meanMs = sample;
            _deviationMs = sample / 2;
            return;
        }

        _deviationMs += (Math.Abs(sample - _meanMs) - _deviationMs) / 4;
        _meanMs += (sample - _meanMs) / 8;
    }

    /// <summary>mean + <paramref name="deviations"/> × deviation; null before the first sample.</summary>
    public TimeSpan? Upper(int deviations) => HasSamples ? TimeSpan.FromMilliseconds(_meanMs + (deviations * _deviationMs)) : null;
}
