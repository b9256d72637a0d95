using System.Net;
using System.Net.Sockets;
using DhtRpc.Hosting.Logging;
using DhtRpc.Storage;
using DhtRpc.Storage.Protocol;
using DhtRpc.Storage.Stores;
using DhtRpc.Wire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace DhtRpc.Hosting;

/// <summary>
/// A node with everything a long-running one needs: its store (SQLite in a data directory, else
/// memory), the storage commands, and the peers it knows saved periodically and on shutdown, so the
/// next start can rejoin without any bootstrap node. Timers run on the node's
/// <see cref="DhtNodeOptions.TimeProvider"/>, so a host runs in simulation too.
/// </summary>
public sealed class DhtNodeHost : IAsyncDisposable
{
    private readonly SqlitePeerCache? _peers;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopSaving = new();
    private readonly Lock _saveGate = new();
    private readonly int _savedPeers;
    private Task _saving = Task.CompletedTask;
    private bool _disposed;

    private DhtNodeHost(DhtNode node, IItemStore? store, StorageNode? storage, SqlitePeerCache? peers, IReadOnlyList<Ipv4Endpoint> remembered, int savedPeers, ILogger logger)
    {
        Node = node;
        Store = store;
        Storage = storage;
        _peers = peers;
        RememberedPeers = remembered;
        _savedPeers = savedPeers;
        _logger = logger;
    }

    /// <summary>The node.</summary>
    public DhtNode Node { get; }

    /// <summary>The store the node serves from; null for a bootstrap node.</summary>
    public IItemStore? Store { get; }

    /// <summary>The storage commands; null for a bootstrap node.</summary>
    public StorageNode? Storage { get; }

    /// <summary>The data directory, or null when everything is in memory.</summary>
    public string? DataDirectory { get; private init; }

    /// <summary>Peers loaded from the data directory at start (empty without one).</summary>
    public IReadOnlyList<Ipv4Endpoint> RememberedPeers { get; }

    /// <summary>How often the peers are saved.</summary>
    public TimeSpan PeerSaveInterval { get; private init; }

    /// <summary>
    /// Opens the store (SQLite in <paramref name="dataDirectory"/>, else memory) and starts a node
    /// serving storage as <paramref name="storageOptions"/> says (no store and no storage commands when
    /// it is null). With a data directory and port 0, the node takes last run's port again when it is free.
    /// </summary>
    /// <param name="options">The node's options; the remembered peers are added to its <see cref="DhtNodeOptions.Nodes"/>.</param>
    /// <param name="dataDirectory">Folder for store.db, peers.db and the port; null keeps everything in memory.</param>
    /// <param name="storageOptions">What the node stores and how; null for a node that stores nothing.</param>
    /// <param name="beforeStart">Called with the node before it binds (to watch its events).</param>
    /// <param name="peerSaveInterval">How often peers are saved (30 s when null).</param>
    /// <param name="savedPeers">Most peers saved.</param>
    /// <exception cref="StorageException">The store cannot be opened (damaged, unreadable, not a database).</exception>
    public static DhtNodeHost Start(DhtNodeOptions options, string? dataDirectory, StorageOptions? storageOptions, Action<DhtNode>? beforeStart = null, TimeSpan? peerSaveInterval = null, int savedPeers = 200)
    {
        ArgumentNullException.ThrowIfNull(options);
        var loggers = options.LoggerFactory;
        var logger = (ILogger?)loggers?.CreateLogger<DhtNodeHost>() ?? NullLogger.Instance;
        IItemStore? store = storageOptions is null ? null : dataDirectory is null
            ? new InMemoryItemStore()
            : new SqliteItemStore(dataDirectory, loggers?.CreateLogger<SqliteItemStore>());
        SqlitePeerCache? peers = null;
        try
        {
            peers = dataDirectory is null ? null : new SqlitePeerCache(dataDirectory, logger: loggers?.CreateLogger<SqlitePeerCache>());
            var remembered = peers?.Load() ?? [];
            var port = options.Port == 0 && dataDirectory is not null ? SavedPort.Load(dataDirectory) : options.Port;
            var node = new DhtNode(options with { Ephemeral = false, Nodes = [.. options.Nodes, .. remembered], Port = port });
            if (dataDirectory is not null)
            {
                node.Listening += () => RememberPort(dataDirectory, node, logger);
            }

            beforeStart?.Invoke(node);
            var storage = store is null ? null : new StorageNode(node, store, storageOptions, loggers);
            var host = new DhtNodeHost(node, store, storage, peers, remembered, savedPeers, logger)
            {
                DataDirectory = dataDirectory,
                PeerSaveInterval = peerSaveInterval ?? TimeSpan.FromSeconds(30),
            };
            if (peers is not null)
            {
                host._saving = host.SavePeriodicallyAsync(options.TimeProvider, host._stopSaving.Token);
            }

            logger.Started(options.Host, port, storage is null ? "node" : "storage node", remembered.Count);
            return host;
        }
        catch
        {
            peers?.Dispose();
            store?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Starts a bootstrap node: its id is the hash of its address, so it binds a known port (a free one
    /// chosen now when <paramref name="port"/> is 0). It answers node info (107) so that a stats query
    /// works on it, and serves no storage.
    /// </summary>
    public static DhtNodeHost StartBootstrapper(DhtNodeOptions options, int port)
    {
        ArgumentNullException.ThrowIfNull(options);
        var logger = (ILogger?)options.LoggerFactory?.CreateLogger<DhtNodeHost>() ?? NullLogger.Instance;
        if (port == 0)
        {
            port = FreeUdpPort(options.Host);
        }

        var node = DhtNode.CreateBootstrapper(port, options.Host, options);
        NodeInfoResponder.Install(node);
        logger.Started(options.Host, port, "bootstrap node", 0);
        return new DhtNodeHost(node, null, null, null, [], 0, logger);
    }

    /// <summary>Writes the routing table's peers to the data directory (no-op without one); returns how many.</summary>
    public async Task<int> SavePeersAsync()
    {
        if (_peers is null || Node.Destroyed)
        {
            return 0;
        }

        var peers = await Node.GetNodesAsync(_savedPeers).ConfigureAwait(false);
        if (peers.Count > 0)
        {
            // The peer cache takes no lock of its own: saves from the timer and from shutdown are serialised here.
            lock (_saveGate)
            {
                _peers.Save(peers);
            }
        }

        return peers.Count;
    }

    /// <summary>Saves the peers (when the node had joined), stops storage and the node, closes the store.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _stopSaving.CancelAsync().ConfigureAwait(false);
        await _saving.ConfigureAwait(false);
        var saved = 0;
        if (Node.Bootstrapped)
        {
            try
            {
                saved = await SavePeersAsync().ConfigureAwait(false);
            }
            catch (StorageException e)
            {
                _logger.PeerSaveFailed(e);
            }
        }

        if (Storage is not null)
        {
            await Storage.DisposeAsync().ConfigureAwait(false);
        }

        await Node.DisposeAsync().ConfigureAwait(false);
        _peers?.Dispose();
        Store?.Dispose();
        _stopSaving.Dispose();
        _logger.Stopped(saved);
    }

    private static void RememberPort(string dataDirectory, DhtNode node, ILogger logger)
    {
        try
        {
            SavedPort.Save(dataDirectory, node.ServerEndpoint!.Value.Port);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.PortSaveFailed(dataDirectory, e);
        }
    }

    private static int FreeUdpPort(string host)
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Parse(host), 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    private async Task SavePeriodicallyAsync(TimeProvider time, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(PeerSaveInterval, time);
        try
        {
            // Stay on the context the host started on: in a simulation that is the loop, which then runs each
            // save as it runs the node (off it, a save could wait on the loop while nobody pumps it).
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(true))
            {
                try
                {
                    if (Node.Bootstrapped)
                    {
                        await SavePeersAsync().ConfigureAwait(true);
                    }
                }
                catch (StorageException e)
                {
                    // A full or failing disk: say so, and try again next time.
                    _logger.PeerSaveFailed(e);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
    }
}
