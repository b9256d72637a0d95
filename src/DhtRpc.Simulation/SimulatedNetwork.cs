using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using DhtRpc.Wire;
using DhtRpc.Transport;

namespace DhtRpc.Simulation;

/// <summary>
/// In-memory UDP for simulations. Datagrams wait in one queue ordered by (arrival time, send order),
/// driven by a single timer of the virtual clock, and are handed to the receiving socket from a callback
/// posted to the simulation loop, so delivery is FIFO with all other node work and fully deterministic.
/// </summary>
/// <remarks>
/// Any IPv4 host can be bound, so a simulation can give every node its own address. Loopback (127/8)
/// sockets only reach loopback, others only non-loopback. Hosts can sit behind a NAT
/// (<see cref="AddNat"/>). Not thread-safe: use it from the simulation thread only.
/// </remarks>
[SuppressMessage(
    "Design",
    "CA1001:Types that own disposable fields should be disposable",
    Justification = "The delivery timer lives in the virtual clock and holds no unmanaged resource.")]
public sealed class SimulatedNetwork : IDatagramTransport
{
    /// <summary>The largest UDP payload over IPv4.</summary>
    public const int MaxDatagramSize = 65507;

    private const long NotArmed = long.MaxValue;

    private readonly TimeProvider _clock;
    private readonly SynchronizationContext _loop;
    private readonly Random _random;
    private readonly Dictionary<Ipv4Endpoint, SimulatedSocket> _sockets = [];
    private readonly PriorityQueue<InFlight, (long Due, long Sequence)> _inFlight = new();
    private readonly ITimer _deliveryTimer;
    private readonly HashSet<uint> _offlineHosts = [];
    private readonly HashSet<Ipv4Endpoint> _offlineEndpoints = [];
    private readonly NatTable _nat = new();
    private readonly long[] _dropped = new long[Enum.GetValues<DropReason>().Length];
    private long _sequence;
    private long _armedDue = NotArmed;
    private bool _deliveryPosted;
    private int _nextEphemeral;

    /// <summary>A network whose deliveries are timed by <paramref name="clock"/> and run on <paramref name="loop"/>.</summary>
    public SimulatedNetwork(TimeProvider clock, SynchronizationContext loop, SimulatedNetworkOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(loop);
        options ??= new SimulatedNetworkOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Latency, TimeSpan.Zero, nameof(options));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Jitter, TimeSpan.Zero, nameof(options));
        if (options.LossProbability is < 0 or > 1 or double.NaN)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "LossProbability must be between 0 and 1.");
        }

        if (options.FirstEphemeralPort == 0 || options.FirstEphemeralPort > options.LastEphemeralPort)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "The ephemeral port range is empty.");
        }

        _clock = clock;
        _loop = loop;
        Options = options;
        _random = CreateRandom(options.Seed);
        _deliveryTimer = clock.CreateTimer(
            static state => ((SimulatedNetwork)state!).OnDeliveryDue(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Latency, jitter, loss and NAT settings in force.</summary>
    public SimulatedNetworkOptions Options { get; }

    /// <summary>
    /// Optional test hook deciding, per datagram, whether the link from the sender's bound endpoint to the
    /// addressed endpoint lets it through (false drops it as <see cref="DropReason.Filtered"/>).
    /// </summary>
    public Func<Ipv4Endpoint, Ipv4Endpoint, bool>? LinkFilter { get; set; }

    /// <summary>Every Send call, whatever became of the datagram.</summary>
    public long DatagramsSent { get; private set; }

    /// <summary>Bytes handed to the network by every socket.</summary>
    public long BytesSent { get; private set; }

    /// <summary>Datagrams that reached a bound socket.</summary>
    public long DatagramsDelivered { get; private set; }

    /// <summary>Datagrams lost, for any reason (see <see cref="DroppedFor"/>).</summary>
    public long DatagramsDropped { get; private set; }

    /// <summary>Datagrams sent but not yet delivered or dropped.</summary>
    public int DatagramsInFlight => _inFlight.Count;

    /// <summary>Sockets bound now.</summary>
    public int BoundSockets => _sockets.Count;

    /// <summary>Datagrams lost for <paramref name="reason"/>.</summary>
    public long DroppedFor(DropReason reason) => _dropped[(int)reason];

    /// <summary>
    /// Binds a socket. Host 0.0.0.0 means <see cref="SimulatedNetworkOptions.WildcardHost"/>; port 0 takes
    /// the next free port of the ephemeral range, in a fixed order.
    /// </summary>
    public SimulatedSocket Bind(Ipv4Endpoint localEndpoint)
    {
        var host = localEndpoint.Address == 0 ? Options.WildcardHost : localEndpoint.Address;
        if (_nat.IsPublicHost(host))
        {
            throw new DatagramBindException($"Cannot bind {localEndpoint}: {new Ipv4Endpoint(host, 0).Host} is the public address of a simulated NAT.");
        }

        var port = localEndpoint.Port == 0 ? AllocatePort(host) : localEndpoint.Port;
        var endpoint = new Ipv4Endpoint(host, port);
        if (_sockets.ContainsKey(endpoint))
        {
            throw new DatagramBindException($"Address {endpoint} is already in use in the simulated network.");
        }

        var socket = new SimulatedSocket(this, endpoint);
        _sockets.Add(endpoint, socket);
        return socket;
    }

    IDatagramSocket IDatagramTransport.Bind(Ipv4Endpoint localEndpoint) => Bind(localEndpoint);

    /// <summary>An offline socket silently drops everything it sends and everything sent to it.</summary>
    public void SetOffline(Ipv4Endpoint endpoint, bool offline)
    {
        if (offline)
        {
            _offlineEndpoints.Add(endpoint);
        }
        else
        {
            _offlineEndpoints.Remove(endpoint);
        }
    }

    /// <summary>Takes every socket of a host (big-endian address) offline or back online.</summary>
    public void SetHostOffline(uint host, bool offline)
    {
        if (offline)
        {
            _offlineHosts.Add(host);
        }
        else
        {
            _offlineHosts.Remove(host);
        }
    }

    /// <summary>
    /// Puts <paramref name="privateHost"/> behind a NAT whose public address is <paramref name="publicHost"/>
    /// (several private hosts may share one NAT). Outgoing datagrams get the public address and a mapped
    /// port; the private host can no longer be addressed from outside the NAT.
    /// </summary>
    public void AddNat(uint privateHost, uint publicHost, NatBehavior behavior)
    {
        if (privateHost == 0 || publicHost == 0 || IsLoopback(privateHost) || IsLoopback(publicHost))
        {
            throw new ArgumentException("NAT hosts must be non-loopback unicast addresses.");
        }

        foreach (var endpoint in _sockets.Keys)
        {
            if (endpoint.Address == publicHost)
            {
                throw new InvalidOperationException($"A socket is already bound on {endpoint}, which would be the NAT's public address.");
            }
        }

        _nat.Add(privateHost, publicHost, behavior);
    }

    internal void Send(SimulatedSocket sender, ReadOnlySpan<byte> datagram, Ipv4Endpoint to)
    {
        DatagramsSent++;
        BytesSent += datagram.Length;
        var local = sender.LocalEndpoint;
        if (sender.IsDisposed)
        {
            Drop(DropReason.SenderClosed);
        }
        else if (datagram.Length > MaxDatagramSize)
        {
            Drop(DropReason.Oversize);
        }
        else if (IsOffline(local))
        {
            Drop(DropReason.Offline);
        }
        else if (to.Address == 0 || to.Port == 0 || IsLoopback(local.Address) != IsLoopback(to.Address)
            || !_nat.CanReach(local.Address, to.Address))
        {
            Drop(DropReason.Unreachable);
        }
        else if (LinkFilter is { } filter && !filter(local, to))
        {
            Drop(DropReason.Filtered);
        }
        else if (Options.LossProbability > 0 && NextDouble() < Options.LossProbability)
        {
            Drop(DropReason.Lost);
        }
        else
        {
            Enqueue(datagram, _nat.TranslateOutbound(local, to), to);
        }
    }

    internal void Unbind(SimulatedSocket socket)
    {
        var endpoint = socket.LocalEndpoint;
        if (_sockets.TryGetValue(endpoint, out var bound) && bound == socket)
        {
            _sockets.Remove(endpoint);
            _nat.Forget(endpoint);
        }
    }

    private static bool IsLoopback(uint host) => host >> 24 == 127;

    [SuppressMessage("Security", "CA5394:Do not use insecure randomness", Justification = "A seeded, reproducible link model.")]
    private static Random CreateRandom(int seed) => new(seed);

    [SuppressMessage("Security", "CA5394:Do not use insecure randomness", Justification = "A seeded, reproducible link model.")]
    private double NextDouble() => _random.NextDouble();

    private bool IsOffline(Ipv4Endpoint endpoint) =>
        (_offlineHosts.Count > 0 && _offlineHosts.Contains(endpoint.Address))
        || (_offlineEndpoints.Count > 0 && _offlineEndpoints.Contains(endpoint));

    private void Drop(DropReason reason)
    {
        DatagramsDropped++;
        _dropped[(int)reason]++;
    }

    private void Enqueue(ReadOnlySpan<byte> datagram, Ipv4Endpoint from, Ipv4Endpoint to)
    {
        var delay = Options.Latency.Ticks;
        if (Options.Jitter > TimeSpan.Zero)
        {
            delay += (long)(NextDouble() * Options.Jitter.Ticks);
        }

        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(datagram.Length, 1));
        datagram.CopyTo(buffer);
        var due = _clock.GetUtcNow().UtcTicks + delay;
        _inFlight.Enqueue(new InFlight(buffer, datagram.Length, from, to), (due, _sequence++));
        ArmDelivery(due);
    }

    private void ArmDelivery(long due)
    {
        if (due >= _armedDue)
        {
            return;
        }

        _armedDue = due;
        var wait = Math.Max(0, due - _clock.GetUtcNow().UtcTicks);
        _deliveryTimer.Change(TimeSpan.FromTicks(wait), Timeout.InfiniteTimeSpan);
    }

    // Runs inside the clock; the actual delivery is posted so it queues behind work already on the loop.
    private void OnDeliveryDue()
    {
        _armedDue = NotArmed;
        if (!_deliveryPosted)
        {
            _deliveryPosted = true;
#pragma warning disable VSTHRD001 // The simulation loop is the nodes' own context, not a UI thread.
            _loop.Post(static state => ((SimulatedNetwork)state!).DeliverDue(), this);
#pragma warning restore VSTHRD001
        }
    }

    private void DeliverDue()
    {
        _deliveryPosted = false;
        var now = _clock.GetUtcNow().UtcTicks;

        // Datagrams sent during this batch wait for the next one, so zero latency cannot starve the loop.
        var sentBefore = _sequence;
        try
        {
            while (_inFlight.TryPeek(out var datagram, out var key) && key.Due <= now && key.Sequence < sentBefore)
            {
                _inFlight.Dequeue();
                try
                {
                    Deliver(datagram);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(datagram.Buffer);
                }
            }
        }
        finally
        {
            // Also after a throwing handler, so the datagrams behind it still get delivered.
            if (_inFlight.TryPeek(out _, out var next))
            {
                ArmDelivery(next.Due);
            }
        }
    }

    private void Deliver(InFlight datagram)
    {
        if (!_nat.TryTranslateInbound(datagram.To, datagram.From, out var target))
        {
            Drop(DropReason.NatFiltered);
        }
        else if (!_sockets.TryGetValue(target, out var socket))
        {
            Drop(DropReason.NoListener);
        }
        else if (IsOffline(target))
        {
            Drop(DropReason.Offline);
        }
        else if (socket.Handler is not { } handler)
        {
            Drop(DropReason.NotStarted);
        }
        else
        {
            DatagramsDelivered++;
            socket.Receive(handler, datagram.Buffer.AsSpan(0, datagram.Length), datagram.From);
        }
    }

    private ushort AllocatePort(uint host)
    {
        int first = Options.FirstEphemeralPort;
        var count = Options.LastEphemeralPort - first + 1;
        for (var i = 0; i < count; i++)
        {
            var port = (ushort)(first + ((_nextEphemeral + i) % count));
            if (!_sockets.ContainsKey(new Ipv4Endpoint(host, port)))
            {
                _nextEphemeral = (port - first + 1) % count;
                return port;
            }
        }

        throw new DatagramBindException(
            $"No free port left on {new Ipv4Endpoint(host, 0).Host} in {first}-{Options.LastEphemeralPort}.");
    }

    private readonly record struct InFlight(byte[] Buffer, int Length, Ipv4Endpoint From, Ipv4Endpoint To);
}
