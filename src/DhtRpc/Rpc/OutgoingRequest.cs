using DhtRpc.Transport;

namespace DhtRpc.Rpc;

/// <summary>
/// One request in flight: encoded once, retransmitted with the same bytes on each timeout until the
/// retries run out. All members are used from the node's context only.
/// </summary>
internal sealed class OutgoingRequest
{
    private readonly RpcIo _io;
    private ITimer? _timer;
    private int _timerGeneration;
    private TimeSpan? _restOfAttempt;

    public OutgoingRequest(RpcIo io, ushort tid, DhtPeer to, in RequestParams request)
    {
        _io = io;
        Tid = tid;
        To = to;
        Params = request;
        StartTimestamp = io.TimeProvider.GetTimestamp();
    }

    public ushort Tid { get; }

    /// <summary>Destination; its id is set when the destination was addressed as a routing-table node.</summary>
    public DhtPeer To { get; }

    /// <summary>What the request carries (command, target, value, token, session).</summary>
    public RequestParams Params { get; private set; }

    public bool Internal => Params.IsInternal;

    public ulong Command => Params.Command;

    public DhtSession? Session => Params.Session;

    internal int SessionIndex { get; set; } = -1;

    public IDatagramSocket? Socket { get; set; }

    /// <summary>How many retransmissions after the first send (3 → up to 4 sends).</summary>
    public int Retries { get; set; } = 3;

    /// <summary>Per-attempt timeout; null = the node's (1 s, or adaptive per destination).</summary>
    public TimeSpan? Timeout { get; set; }

    public int Sent { get; set; }

    /// <summary>IP time-to-live of each transmission; 0 = the system default.</summary>
    public int Ttl { get; set; }

    public bool Destroyed { get; private set; }

    public long StartTimestamp { get; private set; }

    public byte[]? Buffer { get; set; }

    public Action<DhtResponse, OutgoingRequest>? OnResponse { get; set; }

    public Action<DhtException, OutgoingRequest>? OnError { get; set; }

    /// <summary>Called at each attempt's timeout (queries use it to mark a request slow).</summary>
    public Action<OutgoingRequest>? OnCycle { get; set; }

    /// <summary>
    /// When shorter than the first attempt's timeout, <see cref="OnCycle"/> is called this long after
    /// the first send (without a retransmission), and the attempt then waits out the rest of its timeout.
    /// </summary>
    public TimeSpan? SlowAfter { get; set; }

    /// <summary>Queues or transmits; <paramref name="force"/> bypasses the congestion window.</summary>
    public void Send(bool force = false)
    {
        if (Destroyed || Socket is null)
        {
            return;
        }

        Buffer ??= _io.EncodeRequest(this, Socket);
        if (!force && _io.Congestion.IsFull)
        {
            _io.Enqueue(this);
            return;
        }

        SendNow();
    }

    public void SendNow()
    {
        if (Destroyed || Socket is null || Buffer is null)
        {
            return;
        }

        Sent++;
        _io.Congestion.Send();
        if (Ttl > 0)
        {
            Socket.Send(Buffer, To.Endpoint, Ttl);
        }
        else
        {
            Socket.Send(Buffer, To.Endpoint);
        }
        var timeout = Timeout ?? _io.AttemptTimeout(To.Endpoint, Sent);
        if (Sent == 1 && SlowAfter is { } early && early < timeout && OnCycle is not null)
        {
            _restOfAttempt = timeout - early;
            ArmTimer(early);
            return;
        }

        _restOfAttempt = null;
        ArmTimer(timeout);
    }

    /// <summary>Stops the attempt timer (the response arrived or the request is finished).</summary>
    public void StopTimer()
    {
        _timerGeneration++;
        _timer?.Dispose();
        _timer = null;
    }

    /// <summary>Fails the request with <paramref name="error"/> and takes it out of flight.</summary>
    public void Destroy(DhtException error)
    {
        if (Destroyed)
        {
            return;
        }

        Destroyed = true;
        StopTimer();
        Session?.Detach(this);
        if (!_io.RemoveInflight(this))
        {
            return;
        }

        _io.Stats.Requests.Active--;
        _io.Congestion.Receive();
        OnError?.Invoke(error, this);
    }

    /// <summary>Marks the request finished after a response matched it (the IO layer removed it).</summary>
    public void Complete()
    {
        Destroyed = true;
        StopTimer();
        Session?.Detach(this);
    }

    /// <summary>
    /// Makes a request a response matched ready to go out again carrying <paramref name="token"/>: same
    /// tid and callbacks, so whoever waits on it (a query's visit, a task) sees only the final answer.
    /// </summary>
    public void PrepareReissue(byte[] token)
    {
        Params = Params with { Token = token };
        Buffer = null;
        Destroyed = false;
        Sent = 0;
        StartTimestamp = _io.TimeProvider.GetTimestamp();
    }

    /// <summary>Marks destroyed without callbacks (used when the IO layer clears everything at once).</summary>
    public void MarkDestroyed()
    {
        Destroyed = true;
        StopTimer();
    }

    private void ArmTimer(TimeSpan due)
    {
        var generation = ++_timerGeneration;
        _timer?.Dispose();
        _timer = _io.TimeProvider.CreateTimer(
            static state =>
            {
                var (request, gen) = ((OutgoingRequest, int))state!;
                request._io.Post(() => request.OnTimerFired(gen));
            },
            (this, generation),
            due,
            System.Threading.Timeout.InfiniteTimeSpan);
    }

    private void OnTimerFired(int generation)
    {
        if (generation != _timerGeneration || Destroyed)
        {
            return;
        }

        _timer?.Dispose();
        _timer = null;
        OnCycle?.Invoke(this);
        if (Destroyed)
        {
            return;
        }

        if (_restOfAttempt is { } rest)
        {
            _restOfAttempt = null;
            ArmTimer(rest);
            return;
        }

        if (Sent > Retries)
        {
            _io.Stats.Requests.Timeouts++;
            Destroy(DhtException.Timeout());
            _io.OnTimeout(this);
        }
        else
        {
            _io.Stats.Requests.Retries++;
            Send();
        }
    }
}
