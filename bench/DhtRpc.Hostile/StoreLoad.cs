using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using DhtRpc.Wire;

namespace DhtRpc.Hostile;

/// <summary>
/// How much a store load may do, shared by its streams: items handed out from 0 up to
/// <see cref="Items"/>, at most <see cref="MaxRequests"/> STOREs sent (retries after INVALID_TOKEN
/// included), nothing new after <see cref="Duration"/> or <see cref="Stop"/>; a reply later than
/// <see cref="Timeout"/> counts as none.
/// </summary>
internal sealed class LoadPlan(long items, long maxRequests, TimeSpan duration, TimeSpan timeout)
{
    private long _nextItem = -1;
    private long _requests;
    private volatile bool _stopped;

    public long Items { get; } = items;

    public long MaxRequests { get; } = maxRequests;

    public TimeSpan Duration { get; } = duration;

    public TimeSpan Timeout { get; } = timeout;

    public Stopwatch Clock { get; } = new();

    public bool Stopped => _stopped || Clock.Elapsed >= Duration;

    public long RequestsSent => Interlocked.Read(ref _requests);

    /// <summary>How many items were handed out (items 0 to this less one), stored or not.</summary>
    public long HandedOut => Math.Min(Interlocked.Read(ref _nextItem) + 1, Items);

    /// <summary>Ends the load now: no stream sends another request (what is in flight is still waited for).</summary>
    public void Stop() => _stopped = true;

    /// <summary>The next item to store, or -1 when every item was handed out.</summary>
    public long NextItem()
    {
        var next = Interlocked.Increment(ref _nextItem);
        return next < Items ? next : -1;
    }

    /// <summary>Takes one request from the budget; false when it is spent or the load is over.</summary>
    public bool TakeRequest()
    {
        if (Stopped)
        {
            return false;
        }

        if (Interlocked.Increment(ref _requests) > MaxRequests)
        {
            Interlocked.Decrement(ref _requests);
            return false;
        }

        return true;
    }
}

/// <summary>
/// What the streams of a load saw, added up: replies by error code, requests that got no reply in time,
/// late replies, send failures, and the acknowledged items (their count, bytes, and which ones when asked).
/// Every <c>milestoneEvery</c> acknowledgements the time and <c>sample()</c> (the node's RSS) are noted.
/// </summary>
internal sealed class LoadTally(long milestoneEvery = 0, Func<long>? sample = null, bool keepAcked = false)
{
    private readonly Dictionary<ulong, long> _byCode = [];
    private readonly List<Milestone> _milestones = [];
    private long _acked;
    private long _ackedBytes;
    private long _noReply;
    private long _late;
    private long _sendErrors;
    private long _tokenRetries;
    private long _streamsWithoutToken;
    private long _lastAckTicks;

    public Stopwatch Clock { get; set; } = Stopwatch.StartNew();

    /// <summary>The indices of acknowledged items, when the tally was asked to keep them.</summary>
    public ConcurrentQueue<long> AckedItems { get; } = new();

    public long Acked => Interlocked.Read(ref _acked);

    /// <summary>When the last acknowledgement came, on <see cref="Clock"/>.</summary>
    public TimeSpan LastAckAt => TimeSpan.FromTicks(Interlocked.Read(ref _lastAckTicks));

    public long AckedBytes => Interlocked.Read(ref _ackedBytes);

    public long NoReply => Interlocked.Read(ref _noReply);

    public long Late => Interlocked.Read(ref _late);

    public long SendErrors => Interlocked.Read(ref _sendErrors);

    public long TokenRetries => Interlocked.Read(ref _tokenRetries);

    public long StreamsWithoutToken => Interlocked.Read(ref _streamsWithoutToken);

    public IReadOnlyList<Milestone> Milestones
    {
        get
        {
            lock (_milestones)
            {
                return [.. _milestones];
            }
        }
    }

    /// <summary>Replies by error code (0 = stored), in code order.</summary>
    public IReadOnlyList<KeyValuePair<ulong, long>> ByCode
    {
        get
        {
            lock (_byCode)
            {
                return [.. _byCode.OrderBy(p => p.Key)];
            }
        }
    }

    public long Replies => ByCode.Sum(p => p.Value);

    public void Ack(long item, int bytes)
    {
        Code(0);
        Interlocked.Add(ref _ackedBytes, bytes);
        if (keepAcked)
        {
            AckedItems.Enqueue(item);
        }

        var count = Interlocked.Increment(ref _acked);
        Interlocked.Exchange(ref _lastAckTicks, Clock.Elapsed.Ticks);
        if (milestoneEvery > 0 && count % milestoneEvery == 0)
        {
            var milestone = new Milestone(count, Clock.Elapsed, sample?.Invoke() ?? 0);
            lock (_milestones)
            {
                _milestones.Add(milestone);
            }
        }
    }

    public void Code(ulong code)
    {
        lock (_byCode)
        {
            _byCode[code] = _byCode.GetValueOrDefault(code) + 1;
        }
    }

    public void Lost() => Interlocked.Increment(ref _noReply);

    public void LateReply() => Interlocked.Increment(ref _late);

    public void SendFailed() => Interlocked.Increment(ref _sendErrors);

    public void TokenRetry() => Interlocked.Increment(ref _tokenRetries);

    public void NoToken() => Interlocked.Increment(ref _streamsWithoutToken);

    /// <summary>"0 (stored): 279; 25 QUOTA_EXCEEDED: 19,721" — every code seen, or "none".</summary>
    public string CodesText(string zero = "0 (stored)") =>
        ByCode.Count == 0 ? "none" : string.Join("; ", ByCode.Select(p => FormattableString.Invariant($"{(p.Key == 0 ? zero : WarehouseCommands.Name(p.Key))}: {p.Value:N0}")));
}

/// <summary>The moment the <see cref="Count"/>-th acknowledgement came, and the sample taken then.</summary>
internal readonly record struct Milestone(long Count, TimeSpan At, long Sample);

/// <summary>
/// A store load: <c>socketsPerSource</c> streams (one socket and one thread each) on every source
/// address, sharing one plan and one tally, each with its own share of the window.
/// </summary>
internal sealed class StoreLoad(Ipv4Endpoint node, StorageItems items, IReadOnlyList<IPAddress> sources, int socketsPerSource, int window, LoadPlan plan, LoadTally tally)
{
    private readonly List<StoreStream> _streams = [];

    public LoadPlan Plan => plan;

    public LoadTally Tally => tally;

    public int Streams => sources.Count * socketsPerSource;

    public void Start()
    {
        var perStream = Math.Max(1, window / Streams);
        plan.Clock.Start();
        tally.Clock = plan.Clock;
        foreach (var source in sources)
        {
            for (var i = 0; i < socketsPerSource; i++)
            {
                var stream = new StoreStream(source, node, items, perStream, plan, tally);
                _streams.Add(stream);
                stream.Start();
            }
        }
    }

    /// <summary>Waits until every stream ended by itself (items, requests, time or <see cref="LoadPlan.Stop"/>).</summary>
    public TimeSpan Join()
    {
        foreach (var stream in _streams)
        {
            stream.Join();
        }

        return plan.Clock.Elapsed;
    }

    /// <summary>Starts, waits for the end, and returns the elapsed time.</summary>
    public TimeSpan Run()
    {
        Start();
        return Join();
    }
}
