using DhtRpc.Wire;

namespace DhtRpc.Nat;

/// <summary>
/// Estimates our public address from the addresses other nodes report seeing us at. Each report
/// is recorded twice in a 32-slot ring, once as an exact (host, port) sample and once as a
/// host-only sample; recent equal samples share one counted object. The estimate is the best exact
/// sample if it reaches the threshold, else the best host with port 0 ("randomized" NAT: stable IP,
/// changing port), else unknown.
/// </summary>
internal sealed class NatSampler
{
    private const int Slots = 32;
    private const int Lookback = 4;

    private readonly Sample[] _ring = new Sample[Slots];
    private int _filled;
    private int _top;
    private Sample? _bestExact;
    private Sample? _bestHost;

    /// <summary>Estimated public host, or null while unknown.</summary>
    public uint? Host { get; private set; }

    /// <summary>Estimated public port; 0 when unknown or when the NAT randomizes ports.</summary>
    public int Port { get; private set; }

    /// <summary>Number of reports recorded, capped at 16 (the ring holds two slots per report).</summary>
    public int Size { get; private set; }

    /// <summary>Hits a sample needs to become the estimate.</summary>
    public int Threshold { get; private set; }

    /// <summary>The estimated public address (port 0 when randomized), or null while unknown.</summary>
    public Ipv4Endpoint? Estimate => Host is { } host ? new Ipv4Endpoint(host, (ushort)Port) : null;

    /// <summary>Host known but no consistent port.</summary>
    public bool Randomized => Host is not null && Port == 0;

    public void Add(Ipv4Endpoint sample) => Add(sample.Address, sample.Port);

    public void Add(uint host, int port)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(port);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, ushort.MaxValue);

        var exact = Bump(host, port, 2);
        var hostOnly = Bump(host, 0, 1);

        if (_filled < Slots)
        {
            Size++;
            Threshold = Size - (Size < 4 ? 0 : Size < 8 ? 1 : Size < 12 ? 2 : 3);
            _ring[_filled++] = exact;
            _ring[_filled++] = hostOnly;
            _top += 2;
        }
        else
        {
            if (_top == Slots)
            {
                _top = 0;
            }

            Overwrite(exact);
            Overwrite(hostOnly);
        }

        if (_bestExact is null || _bestExact.Hits < exact.Hits)
        {
            _bestExact = exact;
        }

        if (_bestHost is null || _bestHost.Hits < hostOnly.Hits)
        {
            _bestHost = hostOnly;
        }

        if (_bestExact.Hits >= Threshold)
        {
            Host = _bestExact.Host;
            Port = _bestExact.Port;
        }
        else if (_bestHost.Hits >= Threshold)
        {
            Host = _bestHost.Host;
            Port = 0;
        }
        else
        {
            Host = null;
            Port = 0;
        }
    }

    private void Overwrite(Sample sample)
    {
        _ring[_top].Hits--;
        _ring[_top] = sample;
        _top++;
    }

    // Looks at the 4 most recent slots of the same parity for an equal sample and counts a hit on
    // it; stops at the first slot not yet filled. Otherwise starts a new sample.
    private Sample Bump(uint host, int port, int offset)
    {
        for (var i = 0; i < Lookback; i++)
        {
            var slot = (_top - offset - (2 * i)) & (Slots - 1);
            if (slot >= _filled)
            {
                break;
            }

            var s = _ring[slot];
            if (s.Host == host && s.Port == port)
            {
                s.Hits++;
                return s;
            }
        }

        return new Sample(host, port);
    }

    private sealed class Sample(uint host, int port)
    {
        public uint Host { get; } = host;

        public int Port { get; } = port;

        public int Hits { get; set; } = 1;
    }
}
