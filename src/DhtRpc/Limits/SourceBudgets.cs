using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace DhtRpc.Limits;

/// <summary>
/// The budgets of <see cref="NodeLimits"/> per source IP and in all: requests, bytes sent to an
/// unproven address, PING_NAT replies. At most <see cref="NodeLimits.MaxTrackedSources"/> sources are
/// tracked; the rest share one budget, and sources idle long enough to have refilled are forgotten on
/// <see cref="Sweep"/>, so memory stays bounded whatever the number of forged addresses.
/// Used from the node's context only.
/// </summary>
internal sealed class SourceBudgets
{
    private readonly NodeLimits _limits;
    private readonly TimeProvider _time;
    private readonly long _frequency;
    private readonly long _idleTicks;
    private readonly Dictionary<uint, Source> _sources = [];
    private readonly TimeSpan _holdBack;
    private Source _overflow;
    private TokenBucket _global;

    public SourceBudgets(NodeLimits limits, TimeProvider time)
    {
        _limits = limits;
        Blocked = new BlockedSources(time);
        _holdBack = TimeSpan.FromSeconds(1 / Math.Max(1.0, limits.RequestsPerSecondPerSource));
        _time = time;
        _frequency = time.TimestampFrequency;

        // A source idle this long has refilled every bucket, so forgetting it loses nothing.
        var idleSeconds = Math.Max(
            Math.Max(Seconds(limits.RequestBurstPerSource, limits.RequestsPerSecondPerSource), Seconds(limits.UnprovenBurstBytes, limits.UnprovenBytesPerSecond)),
            Seconds(limits.PingNatBurstPerSource, limits.PingNatsPerSecondPerSource));
        _idleTicks = (long)Math.Ceiling(idleSeconds * _frequency) + 1;
    }

    /// <summary>Sources over their request budget, held back on the receive thread.</summary>
    public BlockedSources Blocked { get; }

    /// <summary>Sources tracked now.</summary>
    public int TrackedSources => _sources.Count;

    /// <summary>The limits these budgets keep.</summary>
    public NodeLimits Limits => _limits;

    /// <summary>Whether the limits apply to <paramref name="address"/> at all.</summary>
    public bool Applies(uint address) => AddressRanges.IsLimited(_limits, address);

    /// <summary>Takes one request from the source's budget, then from the global one.</summary>
    public RequestVerdict TakeRequest(uint address)
    {
        var now = _time.GetTimestamp();
        ref var source = ref Find(address, now);
        if (!source.Requests.TryTake(1, _limits.RequestsPerSecondPerSource, _limits.RequestBurstPerSource, now, _frequency))
        {
            if (!Unsafe.AreSame(ref source, ref _overflow))
            {
                Blocked.Block(address, _holdBack);
            }

            return RequestVerdict.OverSourceRate;
        }

        return _global.TryTake(1, _limits.RequestsPerSecond, _limits.RequestBurst, now, _frequency)
            ? RequestVerdict.Allowed
            : RequestVerdict.OverGlobalRate;
    }

    /// <summary>Takes <paramref name="bytes"/> from what may still be sent to an unproven address.</summary>
    public bool TakeUnprovenBytes(uint address, int bytes)
    {
        var now = _time.GetTimestamp();
        ref var source = ref Find(address, now);
        return source.UnprovenBytes.TryTake(bytes, _limits.UnprovenBytesPerSecond, _limits.UnprovenBurstBytes, now, _frequency);
    }

    /// <summary>Takes one PING_NAT reply from the source's budget.</summary>
    public bool TakePingNat(uint address)
    {
        var now = _time.GetTimestamp();
        ref var source = ref Find(address, now);
        return source.PingNats.TryTake(1, _limits.PingNatsPerSecondPerSource, _limits.PingNatBurstPerSource, now, _frequency);
    }

    /// <summary>Forgets the sources idle long enough to have refilled (the node's maintenance tick calls it).</summary>
    public void Sweep()
    {
        var now = _time.GetTimestamp();
        foreach (var (address, source) in _sources)
        {
            if (now - source.LastSeen > _idleTicks)
            {
                _sources.Remove(address);
            }
        }
    }

    private static double Seconds(double depth, double rate) => rate > 0 ? depth / rate : 0;

    private ref Source Find(uint address, long now)
    {
        ref var source = ref CollectionsMarshal.GetValueRefOrNullRef(_sources, address);
        if (Unsafe.IsNullRef(ref source))
        {
            if (_sources.Count >= _limits.MaxTrackedSources)
            {
                return ref _overflow;
            }

            source = ref CollectionsMarshal.GetValueRefOrAddDefault(_sources, address, out _);
        }

        source.LastSeen = now;
        return ref source;
    }

    private struct Source
    {
        public TokenBucket Requests;
        public TokenBucket UnprovenBytes;
        public TokenBucket PingNats;
        public long LastSeen;
    }
}

/// <summary>What <see cref="SourceBudgets.TakeRequest"/> decided.</summary>
internal enum RequestVerdict
{
    /// <summary>Within both budgets.</summary>
    Allowed,

    /// <summary>The source sent more than its own budget.</summary>
    OverSourceRate,

    /// <summary>All limited sources together sent more than the global budget.</summary>
    OverGlobalRate,
}
