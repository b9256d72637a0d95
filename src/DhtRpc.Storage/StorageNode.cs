using System.Security.Cryptography;
using DhtRpc.Wire;
using DhtRpc.Rpc;
using DhtRpc.Storage.HyperDht;
using DhtRpc.Storage.Logging;
using DhtRpc.Storage.Protocol;
using DhtRpc.Storage.Stores;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DhtRpc.Storage;

/// <summary>
/// Turns a <see cref="DhtNode"/> into a storage node: answers the content-store commands (INSERT 0,
/// GET 1) or hyperdht's family on 0–10 (<see cref="StorageOptions.Protocol"/>) and the warehouse
/// commands (100–108) from an <see cref="IItemStore"/>, and republishes the content it holds. Other user
/// commands get UNKNOWN_COMMAND. Uses the node's public API only.
/// </summary>
public sealed partial class StorageNode : IAsyncDisposable
{
    // The only lock around the store: handlers and the republisher check, then write, under it, and stores take none of their own.
    private readonly Lock _storeLock = new();
    private readonly TimeProvider _time;
    private readonly DateTimeOffset _startedAt;
    private readonly Dictionary<NodeId, DateTimeOffset> _lastStoredByOthers = [];
    private readonly Republisher _republisher;
    private readonly StoreQueue _queue;
    private readonly ILogger _logger;

    /// <summary>Serves storage from <paramref name="store"/> on <paramref name="node"/>, replacing its request handler.</summary>
    /// <param name="node">The node whose requests are answered.</param>
    /// <param name="store">Where items are kept; the caller disposes it after this node.</param>
    /// <param name="options">Limits and timers; <see cref="StorageOptions.Default"/> when null.</param>
    /// <param name="loggerFactory">Where the node and its republisher log; nowhere when null.</param>
    public StorageNode(DhtNode node, IItemStore store, StorageOptions? options = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(store);
        Node = node;
        Store = store;
        Options = options ?? StorageOptions.Default;
        _time = node.Options.TimeProvider;
        _startedAt = _time.GetUtcNow();
        HyperDht = Options.Protocol == StorageProtocol.HyperDht ? new HyperDhtFamily(node, Options.HyperDht) : null;
        var queued = Options.StoreWork == StoreWorkMode.Queued || (Options.StoreWork == StoreWorkMode.Auto && store is not InMemoryItemStore);
        _queue = queued ? StoreQueue.Queued(Math.Max(1, Options.QueueLength)) : StoreQueue.Inline();
        Commands = CreateCommandTable();
        node.RequestHandler = Commands.Dispatch;
        var loggers = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = loggers.CreateLogger<StorageNode>();
        _republisher = new Republisher(this, loggers);
        if (Options.Meter is { } meter)
        {
            StorageInstruments.Register(meter, this, _republisher);
        }

        _logger.Serving(Options.RecordTtl, Options.RepublishInterval, Options.MaxItems, Options.MaxBytes);
    }

    /// <summary>The node whose requests this storage node answers.</summary>
    public DhtNode Node { get; }

    /// <summary>
    /// Where the items are kept. The node uses it under its one lock and the store takes none, so read it
    /// directly only while no storage request is being answered.
    /// </summary>
    public IItemStore Store { get; }

    /// <summary>The limits and timers in force.</summary>
    public StorageOptions Options { get; }

    /// <summary>Counts of what this node stored, served, deleted, republished and refused since it started.</summary>
    public StorageStats Stats { get; } = new();

    /// <summary>The command → handler table (add or replace entries to serve another protocol family).</summary>
    public CommandTable Commands { get; }

    /// <summary>Time since this storage node was created, on the node's clock.</summary>
    public TimeSpan Uptime => _time.GetUtcNow() - _startedAt;

    /// <summary>Pushes every held content record to the current closest nodes now (what the timer does).</summary>
    public Task RepublishAsync(CancellationToken cancellationToken = default) => _republisher.RunAsync(cancellationToken);

    /// <summary>True when store work runs on a writer thread of its own (see <see cref="StorageOptions.StoreWork"/>).</summary>
    public bool QueuesStoreWork => _queue.IsQueued;

    /// <summary>Store requests waiting for the writer now (at most <see cref="StorageOptions.QueueLength"/>; 0 when work runs inline).</summary>
    public int QueuedRequests => _queue.Waiting;

    /// <summary>
    /// Stops republishing, removes the request handler from the node and answers the requests still
    /// queued; the node and the store stay open.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await _republisher.DisposeAsync().ConfigureAwait(true);
        Node.RequestHandler = null;
        _queue.Dispose();
        _logger.Stopped();
    }

    internal static NodeId Sha256(ReadOnlySpan<byte> value) => NodeId.Read(SHA256.HashData(value));

    internal DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>
    /// Reads the store in turn with the node's requests (under the lock they take), for a status page
    /// or an inventory. The store is not thread-safe: go through this rather than to <see cref="Store"/>.
    /// </summary>
    /// <exception cref="StorageException">The store failed.</exception>
    public T Inspect<T>(Func<IItemStore, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        return WithStore(read);
    }

    internal T WithStore<T>(Func<IItemStore, T> action)
    {
        lock (_storeLock)
        {
            return action(Store);
        }
    }

    /// <summary>Runs the node's own store work in turn with the requests (on the writer when there is one).</summary>
    internal Task<T> WithStoreAsync<T>(Func<IItemStore, T> action) => _queue.RunAsync(() => WithStore(action));

    /// <summary>
    /// Runs a request's store work under the lock, on the writer when there is one. A full queue is
    /// answered BUSY, and a store that fails is answered STORE_FAILED: no request waits or goes unanswered.
    /// </summary>
    private void Submit(IncomingRequest request, Action<IItemStore> work)
    {
        if (!_queue.TryRun(() => RunFor(request, work)))
        {
            Refuse(request, StorageErrors.Busy);
        }
    }

    private void RunFor(IncomingRequest request, Action<IItemStore> work)
    {
        try
        {
            lock (_storeLock)
            {
                work(Store);
            }
        }
        catch (Exception e) when (e is StorageException or ObjectDisposedException)
        {
            _logger.StoreWorkFailed(request.Command, request.From.Endpoint, e);
            if (!request.Answered)
            {
                Refuse(request, StorageErrors.StoreFailed);
            }
        }
    }

    /// <summary>When another node last stored this content here (holders skip republishing it then).</summary>
    internal DateTimeOffset? LastStoredByOthers(NodeId key)
    {
        lock (_storeLock)
        {
            return _lastStoredByOthers.TryGetValue(key, out var at) ? at : null;
        }
    }

    /// <summary>The hyperdht family this node serves when <see cref="StorageOptions.Protocol"/> asks for it; null otherwise.</summary>
    public HyperDhtFamily? HyperDht { get; }

    private CommandTable CreateCommandTable()
    {
        var table = new CommandTable { Fallback = Options.UnknownCommandsReadLikeGet ? HandleContentGet : null };
        if (HyperDht is { } family)
        {
            family.Install(table);
        }
        else
        {
            table.Set(StorageCommands.Insert, HandleContentInsert);
            table.Set(StorageCommands.Get, HandleContentGet);
        }

        table.Set(StorageCommands.WarehouseStore, HandleWarehouseStore);
        table.Set(StorageCommands.WarehouseGet, HandleWarehouseGet);
        table.Set(StorageCommands.WarehouseList, HandleWarehouseList);
        table.Set(StorageCommands.WarehouseDelete, HandleWarehouseDelete);
        table.Set(StorageCommands.WarehouseStoreSigned, HandleWarehouseStoreSigned);
        table.Set(StorageCommands.WarehouseDeleteSigned, HandleWarehouseDeleteSigned);
        table.Set(StorageCommands.WarehouseKeyStats, HandleWarehouseKeyStats);
        table.Set(StorageCommands.WarehouseInfo, HandleWarehouseInfo);
        table.Set(StorageCommands.WarehouseGetVerifiable, HandleWarehouseGetVerifiable);
        return table;
    }

    private void Refuse(IncomingRequest request, ulong code)
    {
        Stats.CountRefused(code);
        request.Error(code);
        if (code == StorageErrors.StorageFull && _logger.IsEnabled(LogLevel.Warning))
        {
            // Counts are kept, not scanned; read without the lock, they may be a request behind.
            _logger.RefusedFull(request.Command, request.From.Endpoint, Store.Count(ItemSpace.Content) + Store.Count(ItemSpace.Warehouse), Store.TotalBytes());
        }
        else if (_logger.IsEnabled(LogLevel.Debug))
        {
            _logger.Refused(request.Command, request.From.Endpoint, StorageErrors.Describe(code), code);
        }
    }

    private bool IsLive(StoredItem item) => item.ExpiresAt is not { } at || at > Now;
}
