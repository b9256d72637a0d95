using DhtRpc.Crypto;
using DhtRpc.Wire;
using DhtRpc.Rpc;

namespace DhtRpc.Query;

/// <summary>
/// An iterative Kademlia walk toward <see cref="Target"/>: asks the closest known nodes, follows their
/// closer nodes, keeps the k closest successful replies (with <see cref="DhtNodeOptions.Limits"/>, at most
/// <see cref="Limits.DiversityLimits.PerSubnetInClosest"/> of one /24) and (optionally) commits to them at the end.
/// Replies stream out as they arrive; <see cref="Completion"/> ends with the query.
/// </summary>
public sealed class DhtQuery : IAsyncEnumerable<DhtResponse>
{
    private readonly IQueryHost _host;
    private readonly ClosestReplies _closestReplies;
    private readonly QueryFrontier _frontier;
    private readonly ReplyStream<DhtResponse> _output = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly QueryCommit? _commit;
    private readonly DhtSession _session;
    private readonly bool _ownsSession;
    private readonly bool _onlyClosestNodes;
    private readonly int _k;
    private readonly bool _force;
    private readonly SlowVisits _slowVisits = new();
    private readonly Action<DhtResponse, OutgoingRequest> _onVisit;
    private readonly Action<DhtException, OutgoingRequest> _onVisitError;
    private readonly Action<OutgoingRequest> _onCycle;
    private readonly Action<OutgoingRequest> _prepareVisit;
    private readonly long _started;
    private int _inflight;
    private int _slow;
    private bool _slowdown;
    private bool _fromTable;
    private bool _committing;
    private bool _ended;

    internal DhtQuery(IQueryHost node, NodeId target, bool isInternal, ulong command, byte[]? value, QueryOptions options)
    {
        _host = node;
        _onVisit = OnVisit;
        _onVisitError = OnVisitError;
        _onCycle = OnCycle;
        _prepareVisit = PrepareVisit;
        Target = target;
        Internal = isInternal;
        Command = command;
        Value = value;
        _k = node.K;
        _closestReplies = new ClosestReplies(target, _k, node.Limits, node.Refused);
        _frontier = new QueryFrontier(_closestReplies, SendDownHint, node.Limits, node.Refused);
        _force = options.Force;
        Concurrency = options.Concurrency ?? node.Concurrency;
        Retries = options.Retries ?? (isInternal && command == Commands.DownHint ? 3 : 5);
        _commit = options.Commit ?? (options.AutoCommit ? (reply, query, token) => QueryCommits.AutoCommitAsync(node, reply, query, token) : null);
        _ownsSession = options.Session is null;
        _session = options.Session ?? node.CreateSession();

        // Pushed in reverse so that the first given node is visited first.
        var seeds = options.Nodes ?? options.Replies?.Select(r => r.From).ToList() ?? [];
        for (var i = seeds.Count - 1; i >= 0; i--)
        {
            var peer = seeds[i];
            AddPending(new DhtPeer(peer.Endpoint, peer.Id ?? Blake2b.NodeIdOf(peer.Endpoint)), null);
        }

        _onlyClosestNodes = options.OnlyClosestNodes;
        node.QueryStats.Total++;
        node.QueryStats.Active++;
        _started = node.QueryStarted();
    }

    /// <summary>The id the walk heads toward.</summary>
    public NodeId Target { get; }

    /// <summary>True for a built-in command (FIND_NODE, DOWN_HINT), false for an application one.</summary>
    public bool Internal { get; }

    /// <summary>The command each visited node is sent.</summary>
    public ulong Command { get; }

    /// <summary>The value each visited node is sent.</summary>
    public byte[]? Value { get; }

    /// <summary>Requests in flight at once; background queries raise and lower it as traffic allows.</summary>
    public int Concurrency { get; set; }

    /// <summary>Retransmissions per visited node.</summary>
    public int Retries { get; }

    /// <summary>Visited nodes that replied with error 0.</summary>
    public int Successes { get; private set; }

    /// <summary>Visits that failed or were answered with an error.</summary>
    public int Errors { get; private set; }

    /// <summary>Deepest referral depth among successful replies (1 = a node the walk started from).</summary>
    public int MaxDepth { get; private set; }

    /// <summary>Referral depth of the closest reply (its hop count from us); 0 when there is none.</summary>
    public int ClosestDepth => _closestReplies.Count == 0 ? 0 : _frontier.DepthOf(_closestReplies.Items[0].From.Endpoint);

    /// <summary>The k closest successful replies from nodes with ids, closest first (a share of each limited /24 at most).</summary>
    public IReadOnlyList<DhtResponse> ClosestReplies => _closestReplies.Items;

    /// <summary>The senders of <see cref="ClosestReplies"/>.</summary>
    public IReadOnlyList<DhtPeer> ClosestNodes => _closestReplies.Items.ConvertAll(r => r.From);

    /// <summary>Completes when the walk (and any commit) is over; faults if the commit failed.</summary>
    public Task Completion => _completion.Task;

    /// <summary>Called for each successful reply as it arrives (on the node's context).</summary>
    internal Action<DhtResponse>? OnReply { get; set; }

    /// <summary>Streams the successful replies as they arrive; ends when the walk does.</summary>
    public IAsyncEnumerator<DhtResponse> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
        _output.ReadAllAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);

    /// <summary>Runs the query to the end and returns every successful reply.</summary>
    /// <remarks>Continues on the caller's context (no ConfigureAwait(false)): simulations stay on their loop.</remarks>
    public async Task<IReadOnlyList<DhtResponse>> ToListAsync(CancellationToken cancellationToken = default)
    {
        var list = new List<DhtResponse>();
        await foreach (var reply in this.WithCancellation(cancellationToken).ConfigureAwait(true))
        {
            list.Add(reply);
        }

        await Completion.ConfigureAwait(true);
        return list;
    }

    /// <summary>Ends the walk now (no commit): replies already received stay; requests in flight are cancelled.</summary>
    public Task StopAsync() => _host.RunOnContextAsync(() => End(null));

    /// <summary>Seeds from the table and the bootstrap list, then starts walking. Runs on the node's context.</summary>
    internal async Task StartAsync()
    {
        AddFromTable();
        if (_frontier.PendingCount < _k)
        {
            await foreach (var peer in _host.ResolveBootstrapNodesAsync().ConfigureAwait(true))
            {
                AddPending(peer, null);
            }
        }

        ReadMore();
    }

    internal void Fail(Exception error) => End(error);

    private void AddFromTable()
    {
        if (_frontier.PendingCount >= _k)
        {
            return;
        }

        _fromTable = true;
        foreach (var node in _host.Closest(Target, _k - _frontier.PendingCount))
        {
            AddPending(new DhtPeer(node.Endpoint, node.Id), null);
        }
    }

    private bool AddPending(DhtPeer peer, DhtPeer? referrer) => !_onlyClosestNodes && _frontier.Add(peer, referrer);

    private void ReadMore()
    {
        if (_ended || _committing)
        {
            return;
        }

        var limit = (_slowdown ? 3 : Concurrency) + _slow;
        while (_inflight < limit && _frontier.TryPop(out var next))
        {
            Visit(next);
            if (_ended)
            {
                return;
            }
        }

        // Seeded from given nodes: give them a chance to answer before fanning out.
        if (!_fromTable && Successes == 0 && Errors == 0)
        {
            _slowdown = true;
        }

        if (_frontier.PendingCount > 0)
        {
            return;
        }

        if (_inflight == 0 || (_slow == _inflight && _closestReplies.Count >= _k))
        {
            // Mostly failed from cached nodes: try again from the routing table.
            if (!_fromTable && Successes < _k / 4)
            {
                AddFromTable();
                ReadMore();
                return;
            }

            Flush();
        }
    }

    private void Visit(DhtPeer to)
    {
        _inflight++;
        var visit = new RequestParams
        {
            Command = Command,
            IsInternal = Internal,
            Target = Target,
            Value = Value,
            Session = _session,
            BypassCongestion = _force,
        };
        if (_host.Send(to, visit, _onVisit, _onVisitError, _prepareVisit) is null)
        {
            End(DhtException.NodeIsDestroyed());
        }
    }

    private void PrepareVisit(OutgoingRequest request)
    {
        request.Retries = _force ? 0 : Retries;
        request.OnCycle = _onCycle;
        request.SlowAfter = _force ? null : _host.SlowVisitAfter;
    }

    /// <summary>
    /// First cycle: the visit turns slow (frees its slot). Second, when hedging: the walk may end
    /// without it, even with fewer than k replies (else it would wait out all its retries).
    /// </summary>
    private void OnCycle(OutgoingRequest request)
    {
        var turnedSlow = _slowVisits.OnCycle(request);
        request.OnCycle = turnedSlow && _host.Hedging ? request.OnCycle : null;
        _slow += turnedSlow ? 1 : -1;
        _inflight -= turnedSlow ? 0 : 1;
        ReadMore();
    }

    private void Decrement(OutgoingRequest request)
    {
        request.OnCycle = null;
        switch (_slowVisits.Settle(request))
        {
            case VisitState.GivenUp:
                return; // already out of the counts
            case VisitState.Slow:
                _slow--;
                break;
        }

        _inflight--;
    }

    private void OnVisit(DhtResponse reply, OutgoingRequest request)
    {
        Decrement(request);
        _frontier.MarkDone(request.To.Endpoint);
        if (_committing || _ended)
        {
            return;
        }

        if (reply.Error == 0)
        {
            Successes++;
            MaxDepth = Math.Max(MaxDepth, _frontier.DepthOf(request.To.Endpoint));
        }
        else
        {
            Errors++;
        }

        if (reply.Error == 0 && reply.From.Id is { } fromId && _closestReplies.IsCloser(fromId))
        {
            _closestReplies.Push(reply);
        }

        foreach (var endpoint in reply.CloserNodes)
        {
            var id = Blake2b.NodeIdOf(endpoint);
            if (!_host.AcceptsPeer(endpoint) || id == _host.TableId)
            {
                continue;
            }

            if (!AddPending(new DhtPeer(endpoint, id), reply.From))
            {
                break;
            }
        }

        if (!_fromTable && Successes + Errors >= Concurrency)
        {
            _slowdown = false;
        }

        if (reply.Error == 0)
        {
            OnReply?.Invoke(reply);
            _output.Write(reply);
        }

        ReadMore();
    }

    private void OnVisitError(DhtException error, OutgoingRequest request)
    {
        _frontier.MarkFailed(request.To.Endpoint, error.Code == DhtErrorCode.RequestTimeout);
        Decrement(request);
        Errors++;
        ReadMore();
    }

    private void SendDownHint(DhtPeer referrer, Ipv4Endpoint down)
    {
        if (!_host.TryTakeDownHintBudget())
        {
            return;
        }

        var value = new byte[Ipv4Endpoint.EncodedSize];
        down.WriteTo(value);
        _host.Send(referrer, RequestParams.Internal(Commands.DownHint, value) with { Session = _session }, null, null);
    }

    private void Flush()
    {
        if (_committing)
        {
            return;
        }

        _committing = true;
        _slowVisits.ReportUnanswered(_frontier, _host);
        if (_commit is null)
        {
            End(null);
            return;
        }

        if (_closestReplies.Count == 0)
        {
            End(new DhtException(DhtErrorCode.TooFewNodes, "Too few nodes responded"));
            return;
        }

        _ = CommitAllAsync();
    }

    private async Task CommitAllAsync() =>
        End(await QueryCommits.RunAllAsync(_closestReplies.Items, _commit!, this).ConfigureAwait(true));

    private void End(Exception? error)
    {
        if (_ended)
        {
            return;
        }

        _ended = true;
        _host.QueryStats.Active--;
        _host.QueryEnded(this, _started, error);
        if (_ownsSession)
        {
            _session.Destroy(DhtException.Destroyed());
        }

        if (error is null)
        {
            _output.Complete(null);
            _completion.TrySetResult();
        }
        else
        {
            _output.Complete(error);
            _completion.TrySetException(error);
        }
    }
}
