using System.Buffers;
using DhtRpc.Crypto;
using DhtRpc.Wire;
using DhtRpc.Transport;

namespace DhtRpc.Rpc;

/// <summary>
/// The request/response layer: both sockets, transaction ids, the in-flight list, retries, the
/// congestion window and tokens. Decodes what arrives and hands it to the node; encodes what leaves.
/// Used from the node's context only.
/// </summary>
internal sealed partial class RpcIo : IDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan DrainInterval = TimeSpan.FromMilliseconds(750);

    private const int StackReplyLimit = 512;

    private readonly IRpcHost _host;
    private readonly SocketBinder _binder;
    private readonly List<OutgoingRequest> _inflight = [];
    private readonly Queue<OutgoingRequest> _pending = new();
    private readonly List<Routing.RoutingNode> _closestScratch = [];
    private readonly AdaptiveTimeout? _adaptiveTimeout;
    private readonly Random _random;
    private readonly bool _sendDownHints;
    private TokenSecrets? _secrets;
    private ITimer? _drainTimer;
    private int _nextTid;

    public RpcIo(IRpcHost host, DhtNodeOptions options, DhtStats stats, Random random)
    {
        _host = host;
        Stats = stats;
        TimeProvider = options.TimeProvider;
        Congestion = new CongestionWindow(options.MaxWindow);
        Firewalled = options.Firewalled;
        _sendDownHints = options.SendDownHints;
        _random = random;
        _nextTid = random.Next(65536);
        _adaptiveTimeout = options.AdaptiveTimeout is { } adaptive ? new AdaptiveTimeout(adaptive, options.TimeProvider) : null;
        _binder = new SocketBinder(options);
        Budgets = options.Limits is { } limits ? new Limits.SourceBudgets(limits, options.TimeProvider) : null;
    }

    /// <summary>The per-source budgets; null when the node applies no limits.</summary>
    public Limits.SourceBudgets? Budgets { get; }

    /// <summary>The budgets that hold <paramref name="address"/>; null when no limit applies to it (none set, or a spared local range).</summary>
    public Limits.SourceBudgets? BudgetsFor(uint address) => Budgets is { } budgets && budgets.Applies(address) ? budgets : null;

    public TimeProvider TimeProvider { get; }

    /// <summary>How long attempt <paramref name="attempt"/> of a request to <paramref name="to"/> waits (1 s unless adaptive).</summary>
    public TimeSpan AttemptTimeout(Ipv4Endpoint to, int attempt) =>
        _adaptiveTimeout?.Get(to, attempt, _random) ?? DefaultTimeout;

    /// <summary>Learns from a reply to one of the first two sends (later ones may answer an earlier send).</summary>
    public void RecordRoundTrip(OutgoingRequest request, TimeSpan roundTrip)
    {
        if (request.Sent == 1)
        {
            RoundTrips.Put(roundTrip);
        }

        if (_adaptiveTimeout is not null && request.Sent <= 2)
        {
            _adaptiveTimeout.Put(request.To.Endpoint, roundTrip);
        }
    }

    /// <summary>Round trips to anyone, for deadlines that do not depend on one destination.</summary>
    public RoundTripEstimate RoundTrips { get; } = new();

    public CongestionWindow Congestion { get; }

    public DhtStats Stats { get; }

    public IDatagramSocket? ServerSocket { get; private set; }

    public IDatagramSocket? ClientSocket { get; private set; }

    /// <summary>While firewalled, our own requests leave from the client socket.</summary>
    public bool Firewalled { get; set; }

    /// <summary>Ephemeral nodes never put an id on the wire.</summary>
    public bool Ephemeral { get; set; } = true;

    public bool Suspended { get; set; }

    public bool Destroyed { get; private set; }

    public int InflightCount => _inflight.Count;

    /// <summary>The server ports tried in order, [Start, End) (dht-rpc's <c>io.portRange</c>).</summary>
    public (int Start, int End) PortRange => _binder.PortRange;

    /// <summary>The socket our own requests leave from.</summary>
    public IDatagramSocket? RequestSocket => Firewalled ? ClientSocket : ServerSocket;

    /// <summary>Set while a firewall test listens for what reaches the server socket.</summary>
    public HashSet<uint>? ServerSocketProbe { get; set; }

    public TokenSecrets Secrets => _secrets ??= new TokenSecrets();

    public void Post(Action action) => _host.Post(action);

    /// <summary>Binds both sockets (previous ports first) and starts the drain timer.</summary>
    public void Bind()
    {
        var (server, client) = _binder.Bind();
        ServerSocket = server;
        ClientSocket = client;
        server.Start(_host.OnDatagram);
        client.Start(_host.OnDatagram);

        _drainTimer ??= TimeProvider.CreateTimer(static s => ((RpcIo)s!).Post(((RpcIo)s!).Drain), this, DrainInterval, DrainInterval);

        // Requests that were waiting for sockets (resume) go out again from the start.
        foreach (var request in _inflight)
        {
            request.Socket ??= RequestSocket;
            request.Sent = 0;
            request.Send();
        }
    }

    /// <summary>Fails everything in flight and closes the sockets (suspend and destroy).</summary>
    public async Task ClearAsync(bool suspended)
    {
        _drainTimer?.Dispose();
        _drainTimer = null;
        while (_inflight.Count > 0)
        {
            var request = _inflight[^1];
            _inflight.RemoveAt(_inflight.Count - 1);
            request.MarkDestroyed();
            request.Session?.Detach(request);
            Congestion.Receive();
            Stats.Requests.Active--;
            request.OnError?.Invoke(suspended ? DhtException.Suspended() : DhtException.Destroyed(), request);
        }

        _pending.Clear();
        var server = ServerSocket;
        var client = ClientSocket;
        ServerSocket = null;
        ClientSocket = null;
        if (server is not null)
        {
            await server.DisposeAsync().ConfigureAwait(true);
        }

        if (client is not null)
        {
            await client.DisposeAsync().ConfigureAwait(true);
        }

        if (!suspended)
        {
            Destroyed = true;
        }
    }

    /// <summary>
    /// Creates, sends and returns a request with callbacks; null when the node is destroyed or the
    /// request is a DOWN_HINT and down hints are off.
    /// </summary>
    public OutgoingRequest? Send(DhtPeer to, in RequestParams request, Action<DhtResponse, OutgoingRequest>? onResponse = null, Action<DhtException, OutgoingRequest>? onError = null, Action<OutgoingRequest>? prepare = null)
    {
        if (request.IsInternal && !_sendDownHints && request.Command == Commands.DownHint)
        {
            return null;
        }

        var outgoing = CreateRequest(to, request);
        if (outgoing is null)
        {
            return null;
        }

        outgoing.OnResponse = onResponse;
        outgoing.OnError = onError;
        prepare?.Invoke(outgoing);
        outgoing.Send(request.BypassCongestion);
        return outgoing;
    }

    /// <summary>Creates a request in flight (not yet sent); null when the node is destroyed.</summary>
    public OutgoingRequest? CreateRequest(DhtPeer to, in RequestParams request)
    {
        if (Destroyed)
        {
            return null;
        }

        if (_nextTid == 65536)
        {
            _nextTid = 0;
        }

        var tid = (ushort)_nextTid++;
        var outgoing = new OutgoingRequest(this, tid, to, request)
        {
            Socket = RequestSocket,
        };
        _inflight.Add(outgoing);
        request.Session?.Attach(outgoing);
        var commandStats = Stats.ForCommand(request.IsInternal, request.Command);
        if (commandStats is not null)
        {
            commandStats.Tx++;
        }
        else
        {
            Stats.Traffic?.CountSent(request.IsInternal, request.Command);
        }

        Stats.Requests.Active++;
        Stats.Requests.Total++;
        return outgoing;
    }

    /// <summary>Queues a send until the congestion window has room (counted as a wait).</summary>
    public void Enqueue(OutgoingRequest request)
    {
        Stats.Requests.CongestionWaits++;
        _pending.Enqueue(request);
    }

    /// <summary>Sends waiting for the congestion window (a request destroyed meanwhile leaves at the next drain).</summary>
    public int QueuedSends => _pending.Count;

    /// <summary>
    /// Sends a request a TOKEN_REQUIRED reply answered again with the token that reply carried; false
    /// when it already carried a token (the reply then stands) or the node is destroyed.
    /// </summary>
    public bool Reissue(OutgoingRequest request, byte[] token)
    {
        if (Destroyed || request.Params.Token is not null)
        {
            return false;
        }

        request.PrepareReissue(token);
        _inflight.Add(request);
        request.Session?.Attach(request);
        Stats.Requests.Active++;
        Stats.Requests.TokenRetries++;
        request.Send(force: true);
        return true;
    }

    public bool RemoveInflight(OutgoingRequest request)
    {
        var i = _inflight.IndexOf(request);
        if (i < 0)
        {
            return false;
        }

        RemoveAt(i);
        return true;
    }

    public void OnTimeout(OutgoingRequest request) => _host.OnRequestTimeout(request);

    /// <summary>Finds and removes the first in-flight request with this tid (matching is by tid only).</summary>
    public OutgoingRequest? TakeInflight(ushort tid)
    {
        for (var i = 0; i < _inflight.Count; i++)
        {
            var request = _inflight[i];
            if (request.Tid != tid)
            {
                continue;
            }

            RemoveAt(i);
            request.Complete();
            Congestion.Receive();
            var commandStats = Stats.ForCommand(request.Internal, request.Command);
            if (commandStats is not null)
            {
                commandStats.Rx++;
            }
            else
            {
                Stats.Traffic?.CountResponse(request.Internal, request.Command);
            }

            Stats.Requests.Active--;
            Stats.Requests.Responses++;
            return request;
        }

        return null;
    }

    public void Drain()
    {
        _secrets?.OnMaintenanceTick();
        Congestion.Drain();
        while (!Congestion.IsFull && _pending.TryDequeue(out var request))
        {
            request.SendNow();
        }
    }

    /// <summary>Encodes a request for sending from <paramref name="socket"/> (the id goes only with persistent server-socket traffic).</summary>
    public byte[] EncodeRequest(OutgoingRequest request, IDatagramSocket socket) =>
        EncodeRequest(request.Tid, request.To.Endpoint, request.Params, socket);

    public byte[] EncodeRequest(ushort tid, Ipv4Endpoint to, in RequestParams request, IDatagramSocket socket)
    {
        Span<byte> id = stackalloc byte[NodeId.Size];
        Span<byte> targetBytes = stackalloc byte[NodeId.Size];
        var withId = !Ephemeral && socket == ServerSocket;
        if (withId)
        {
            _host.Table.Id.WriteTo(id);
        }

        var target = request.Target;
        target?.WriteTo(targetBytes);
        var message = new RequestMessage
        {
            Tid = tid,
            To = to,
            Id = withId ? id : default,
            Token = request.Token,
            Internal = request.IsInternal,
            Command = request.Command,
            Target = target.HasValue ? targetBytes : default,
            HasValue = request.Value is not null,
            Value = request.Value,
        };
        return message.ToArray();
    }

    public void Dispose()
    {
        _drainTimer?.Dispose();
        _secrets?.Dispose();
    }

    private void RemoveAt(int i)
    {
        var last = _inflight.Count - 1;
        if (i != last)
        {
            _inflight[i] = _inflight[last];
        }

        _inflight.RemoveAt(last);
    }
}
