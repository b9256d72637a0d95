using DhtRpc.Crypto;
using DhtRpc.Wire;
using DhtRpc.Health;
using DhtRpc.Joining;
using DhtRpc.Query;
using DhtRpc.Routing;
using DhtRpc.Rpc;
using DhtRpc.Transport;
using DhtRpc.Threading;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DhtRpc;

/// <summary>
/// A dht-rpc compatible Kademlia node. All of its state lives on one serial context (see
/// <see cref="DhtNodeOptions.Context"/>); the public API may be called from any thread.
/// </summary>
public sealed partial class DhtNode : IAsyncDisposable, IRpcHost, IQueryHost
{
    private readonly NodeContext _context;
    private readonly BootstrapResolver _bootstrap;
    private readonly PersistenceCheck _persistence;
    private readonly NodeJoin _join;
    private readonly TableKeeper _keeper;
    private readonly NetworkMonitor _network;
    private readonly BuiltInCommands _builtIn;
    private readonly Limits.BlockedSources? _blocked;
    private readonly Metrics.NodeInstruments? _instruments;
    private readonly Random _random;
    private readonly ILogger _logger;

    /// <summary>Creates a node and starts joining at once (see <see cref="FullyBootstrappedAsync"/>).</summary>
    public DhtNode(DhtNodeOptions? options = null)
        : this(options ?? new DhtNodeOptions(), seedNat: null)
    {
    }

    private DhtNode(DhtNodeOptions options, Ipv4Endpoint? seedNat)
    {
        Options = options;
        _random = options.Random ?? new Random();
        _logger = options.LoggerFactory?.CreateLogger<DhtNode>() ?? NullLogger<DhtNode>.Instance;
        _context = new NodeContext(options.Context ?? new SerialSynchronizationContext(OnContextError));
        _network = new NetworkMonitor(Health, Stats.Requests, _context, _logger);
        _bootstrap = new BootstrapResolver(options.Bootstrap.Select(BootstrapEntry.Parse).ToList(), (to, ct) => PingAsync(to, cancellationToken: ct));
        var tableId = RandomId();
        Io = new RpcIo(this, options, Stats, _random);
        _keeper = new TableKeeper(tableId, options, Io, _bootstrap.Entries.Count, () => Bootstrapped, Stats.Refused);
        _builtIn = new BuiltInCommands(Io, _context, options, _keeper.OnDownHint, Stats);
        _blocked = Io.Budgets?.Blocked;
        Stats.Limited.Blocked = _blocked;
        _instruments = Metrics.NodeInstruments.Create(options.Meter, this);
        _persistence = new PersistenceCheck(this, new FirewallProbe(Io, _bootstrap, _logger), _logger);
        _join = new NodeJoin(this, _persistence, _listening, _ready, _logger);
        Firewalled = Io.Firewalled;
        Adaptive = options.Ephemeral is null && options.Adaptive;
        _keeper.Tick = RandomOffset(100);
        _refreshTicks = RandomOffset(RefreshTicks);
        _stableTicks = Adaptive ? StableTicks : 0;
        _lastTickTimestamp = options.TimeProvider.GetTimestamp();
        _downHintsRateLimit = options.DownHintsRateLimit;
        if (seedNat is { } nat)
        {
            _keeper.Nat.Add(nat);
        }

        for (var i = options.Nodes.Count - 1; i >= 0; i--)
        {
            _keeper.Add(new RoutingNode(Blake2b.NodeIdOf(options.Nodes[i]), options.Nodes[i]));
        }

        _tickTimer = options.TimeProvider.CreateTimer(static s => ((DhtNode)s!).Post(((DhtNode)s!).OnTick), this, TickInterval, TickInterval);
        _network.Watch(options.NetworkWatcher ?? options.Transport.InterfaceWatcher);
        Post(() => _ = _join.RunAsync());
    }

    /// <summary>The options the node was created with.</summary>
    public DhtNodeOptions Options { get; }

    /// <summary>Request, query, command and drop counters.</summary>
    public DhtStats Stats { get; } = new();

    /// <summary>DELAYED_PING replies this node still owes (bounded by the options).</summary>
    internal int PendingDelayedReplies => _builtIn.PendingDelayedReplies;

    /// <summary>What the node's two sockets could not deliver (zero before it is bound).</summary>
    public DatagramCounters SocketCounters =>
        (Io.ServerSocket?.Counters ?? default) + (Io.ClientSocket?.Counters ?? default);

    /// <summary>Our id on the wire: null while ephemeral.</summary>
    public NodeId? Id => Ephemeral ? null : Table.Id;

    /// <summary>The id the routing table is keyed by (random while ephemeral).</summary>
    public NodeId TableId => Table.Id;

    /// <summary>Our public address as other nodes report it (NAT estimate); null until known.</summary>
    public Ipv4Endpoint? PublicEndpoint => _keeper.PublicEndpoint;

    /// <summary>True while the server socket is not known to be reachable (our requests then leave from the client socket).</summary>
    public bool Firewalled { get; private set; }

    /// <summary>True while our id stays off the wire (others do not add us to their tables).</summary>
    public bool Ephemeral { get; private set; } = true;

    /// <summary>True when the node decides on its own whether to become persistent (no explicit <see cref="DhtNodeOptions.Ephemeral"/>).</summary>
    public bool Adaptive { get; }

    /// <summary>Our public host is consistent but the port is not (a randomizing NAT).</summary>
    public bool Randomized => _keeper.Nat.Randomized;

    /// <summary>True once joining has finished (see <see cref="Ready"/>).</summary>
    public bool Bootstrapped => _ready.Happened;

    /// <summary>False while recent requests mostly time out (see <see cref="Health"/>).</summary>
    public bool Online => _network.Online;

    /// <summary>True while many recent requests time out but some still succeed.</summary>
    public bool Degraded => _network.Degraded;

    /// <summary>True between <see cref="SuspendAsync"/> and <see cref="ResumeAsync"/>.</summary>
    public bool Suspended { get; private set; }

    /// <summary>True once the node is disposed.</summary>
    public bool Destroyed { get; private set; }

    /// <summary>Handles user (non-internal) commands. Without one, they are answered UNKNOWN_COMMAND.</summary>
    public Action<IncomingRequest>? RequestHandler { get; set; }

    /// <summary>The maximum delay this node accepts for DELAYED_PING.</summary>
    public TimeSpan MaxPingDelay => Options.MaxPingDelay;

    /// <summary>The socket our own requests leave from (server once not firewalled); null before bind.</summary>
    public Ipv4Endpoint? Address => Io.RequestSocket?.LocalEndpoint;

    /// <summary>The bound server socket address; null before bind.</summary>
    public Ipv4Endpoint? ServerEndpoint => Io.ServerSocket?.LocalEndpoint;

    /// <summary>The bound client socket address; null before bind.</summary>
    public Ipv4Endpoint? ClientEndpoint => Io.ClientSocket?.LocalEndpoint;

    /// <summary>
    /// The first non-loopback IPv4 address of this host (127.0.0.1 when there is none) with the server
    /// socket's port; null before the sockets are bound (spec §10).
    /// </summary>
    public Ipv4Endpoint? LocalAddress => Io.ServerSocket is { } server ? LocalAddresses.FirstIpv4().WithPort(server.LocalEndpoint.Port) : null;

    /// <summary>
    /// Our address as the network sees it, when it is usable by others: known, not firewalled, and the
    /// reported port is the server socket's. Null otherwise.
    /// </summary>
    public Ipv4Endpoint? RemoteAddress =>
        PublicEndpoint is { Port: not 0 } nat && !Firewalled && Io.ServerSocket is { } server && server.LocalEndpoint.Port == nat.Port ? nat : null;

    /// <summary>The tick-by-tick window behind <see cref="Online"/> and <see cref="Degraded"/>.</summary>
    public NetworkHealth Health { get; } = new();

    /// <summary>Raised when a node enters the routing table.</summary>
    public event Action<RoutingNode>? NodeAdded
    {
        add => _keeper.NodeAdded += value;
        remove => _keeper.NodeAdded -= value;
    }

    /// <summary>Raised when a node leaves the routing table.</summary>
    public event Action<RoutingNode>? NodeRemoved
    {
        add => _keeper.NodeRemoved += value;
        remove => _keeper.NodeRemoved -= value;
    }

    /// <summary>Raised when our public address estimate changes (host null = unknown).</summary>
    public event Action<Ipv4Endpoint?>? NatUpdated
    {
        add => _keeper.NatUpdated += value;
        remove => _keeper.NatUpdated -= value;
    }

    internal RoutingTable Table => _keeper.Table;

    internal RpcIo Io { get; }

    internal TimeOrderedNodes Nodes => _keeper.Nodes;

    /// <summary>The parsed bootstrap list (dht-rpc's <c>bootstrapNodes</c>).</summary>
    internal IReadOnlyList<BootstrapEntry> BootstrapNodes => _bootstrap.Entries;

    /// <summary>
    /// Creates a bootstrap node: persistent at once with id = hash(host, port), not firewalled, on exactly
    /// that port. <paramref name="host"/> must be a concrete IPv4 address.
    /// </summary>
    public static DhtNode CreateBootstrapper(int port, string host, DhtNodeOptions? options = null)
    {
        if (port <= 0)
        {
            throw new ArgumentException("Port is required", nameof(port));
        }

        if (string.IsNullOrEmpty(host))
        {
            throw new ArgumentException("Host is required", nameof(host));
        }

        if (host is "0.0.0.0" or "::")
        {
            throw new ArgumentException("Invalid host", nameof(host));
        }

        if (!Ipv4Endpoint.TryParseHost(host, out var address))
        {
            throw new ArgumentException("Host must be a IPv4 address", nameof(host));
        }

        var o = (options ?? new DhtNodeOptions()) with
        {
            Port = port,
            Ephemeral = false,
            Firewalled = false,
            AnyPort = false,
        };
        if (options is null || options.Bootstrap.Count == 0)
        {
            o = o with { Bootstrap = [] };
        }

        return new DhtNode(o, new Ipv4Endpoint(address, checked((ushort)port)));
    }

    /// <summary>Completes once the node has joined: bound, queried for itself, NAT and firewall checked.</summary>
    public Task FullyBootstrappedAsync() => _join.Completion;

    /// <summary>Adds a node to the routing table by address.</summary>
    public Task AddNodeAsync(Ipv4Endpoint endpoint) =>
        RunOnContextAsync(() => _keeper.Add(new RoutingNode(Blake2b.NodeIdOf(endpoint), endpoint)));

    /// <summary>Routing-table entries, most recently seen first.</summary>
    public Task<IReadOnlyList<Ipv4Endpoint>> GetNodesAsync(int limit = int.MaxValue) =>
        RunOnContextAsync<IReadOnlyList<Ipv4Endpoint>>(() => Nodes.ToListLatestFirst(limit).ConvertAll(n => n.Endpoint));

    /// <summary>A snapshot of the routing table (entries with their bookkeeping), row by row.</summary>
    public Task<IReadOnlyList<RoutingNode>> GetRoutingTableAsync() => RunOnContextAsync(() => Table.ToList());

    /// <summary>Runs an iterative query for a user command; replies stream from the result.</summary>
#pragma warning disable VSTHRD200 // A query is a stream object (like dht-rpc's), not a single awaitable.
    public DhtQuery Query(NodeId target, ulong command, byte[]? value = null, QueryOptions? options = null)
    {
        ObjectDisposedException.ThrowIf(Destroyed, this);
        var query = new DhtQuery(this, target, isInternal: false, command, value, options ?? QueryOptions.Default);
        StartQuery(query);
        return query;
    }
#pragma warning restore VSTHRD200

    /// <summary>Walks toward <paramref name="target"/> with FIND_NODE.</summary>
#pragma warning disable VSTHRD200 // A query is a stream object (like dht-rpc's), not a single awaitable.
    public DhtQuery FindNode(NodeId target, QueryOptions? options = null)
    {
        ObjectDisposedException.ThrowIf(Destroyed, this);
        var query = new DhtQuery(this, target, isInternal: true, Commands.FindNode, null, options ?? QueryOptions.Default);
        StartQuery(query);
        return query;
    }
#pragma warning restore VSTHRD200

    /// <summary>Sends a user command to one node. Error replies resolve; only timeouts and cancellation throw.</summary>
    public Task<DhtResponse> RequestAsync(DhtRequest request, Ipv4Endpoint to, RequestOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var send = new RequestParams { Command = request.Command, Target = request.Target, Value = request.Value, Token = request.Token, Session = options?.Session };
        return SendAsync(to, send, options ?? RequestOptions.Default, cancellationToken);
    }

    /// <summary>PING; <paramref name="size"/> zero bytes ride along as the value.</summary>
    public Task<DhtResponse> PingAsync(Ipv4Endpoint to, int size = 0, RequestOptions? options = null, CancellationToken cancellationToken = default) =>
        SendAsync(to, RequestParams.Internal(Commands.Ping, size > 0 ? new byte[size] : null) with { Session = options?.Session }, options ?? RequestOptions.Default, cancellationToken);

    /// <summary>DELAYED_PING: the other node answers after <paramref name="delay"/>.</summary>
    public Task<DhtResponse> DelayedPingAsync(Ipv4Endpoint to, TimeSpan delay, RequestOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (delay > Options.MaxPingDelay)
        {
            throw new ArgumentOutOfRangeException(nameof(delay), $"Delay exceeds max delay: {(long)Options.MaxPingDelay.TotalMilliseconds}ms");
        }

        var value = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(value, (uint)delay.TotalMilliseconds);
        var o = (options ?? RequestOptions.Default) with { Timeout = delay + TimeSpan.FromSeconds(1) };
        return SendAsync(to, RequestParams.Internal(Commands.DelayedPing, value) with { Session = o.Session }, o, cancellationToken);
    }

    /// <summary>
    /// Walks toward the most recently seen table node and reports the walk's successes, errors and
    /// reply round-trip times (all zero when the table is empty).
    /// </summary>
    public Task<RttStats> RttStatsAsync()
    {
        var tcs = new TaskCompletionSource<RttStats>(TaskCreationOptions.RunContinuationsAsynchronously);
        RunOnContext(() => _ = RttMeasurement.RunAsync(this, Nodes.Latest?.Id, tcs));
        return tcs.Task;
    }

    /// <summary>A session: requests and queries run in it can be cancelled together.</summary>
    public DhtSession CreateSession() => new(this);

    /// <summary>Starts a background FIND_NODE toward a random known node (or ourselves).</summary>
    public Task RefreshAsync() => RunOnContextAsync(Refresh);

    /// <summary>Destroys the node: fails what is in flight, closes the sockets and raises <see cref="Closed"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        await RunOnContextAsync(DestroyAsync).ConfigureAwait(true);
        Io.Dispose();
    }

    internal void Post(Action action) => _context.Post(action);

    internal bool IsOnContext => _context.IsCurrent;

    /// <summary>Runs <paramref name="action"/> now if on the node's context, else posts it.</summary>
    internal void RunOnContext(Action action) => _context.Run(action);

    internal Task RunOnContextAsync(Action action) => _context.RunAsync(action);

    internal Task<T> RunOnContextAsync<T>(Func<T> func) => _context.RunAsync(func);

    internal Task RunOnContextAsync(Func<Task> func) => _context.RunAsync(func);

    private Task<DhtResponse> SendAsync(Ipv4Endpoint to, in RequestParams request, RequestOptions options, CancellationToken cancellationToken) =>
        SingleRequest.SendAsync(_context, Io, to, request, options, cancellationToken);

    private void StartQuery(DhtQuery query) => RunOnContext(() =>
    {
        _refreshTicks = RefreshTicks;
        _ = RunQueryAsync(query);
    });

    private static async Task RunQueryAsync(DhtQuery query)
    {
        try
        {
            await query.StartAsync().ConfigureAwait(true);
        }
        catch (Exception e) when (e is DhtException or ObjectDisposedException)
        {
            query.Fail(e);
        }
    }

    private NodeId RandomId()
    {
        Span<byte> bytes = stackalloc byte[NodeId.Size];
        if (Options.Random is null)
        {
            SecureRandom.Fill(bytes);
        }
        else
        {
            _random.NextBytes(bytes);
        }

        return NodeId.Read(bytes);
    }

    private long RandomOffset(int n) => n - (int)(_random.NextDouble() * 0.5 * n);

    private void OnContextError(Exception error) => LogContextError(_logger, error);

    RoutingTable IRpcHost.Table => Table;

    void IRpcHost.OnDatagram(IDatagramSocket socket, ReadOnlySpan<byte> datagram, Ipv4Endpoint from) => OnDatagram(socket, datagram, from);

    void IRpcHost.OnRequestTimeout(OutgoingRequest request) => _keeper.OnRequestTimeout(request);

    void IRpcHost.Post(Action action) => Post(action);

    [LoggerMessage(EventId = 1000, Level = LogLevel.Error, Message = "Unhandled error in the node's event loop")]
    private static partial void LogContextError(ILogger logger, Exception error);
}
