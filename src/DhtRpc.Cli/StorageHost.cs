using DhtRpc.Wire;
using DhtRpc.Storage;
using DhtRpc.Storage.Stores;
using Microsoft.Extensions.Logging;

namespace DhtRpc.Cli;

/// <summary>
/// A persistent DHT node serving storage from an in-memory or SQLite store. With a data directory, the
/// peers it knows are saved periodically and on shutdown, and handed to the node on the next start so it
/// can rejoin without any bootstrap node.
/// </summary>
internal sealed class StorageHost : IAsyncDisposable
{
    public static readonly TimeSpan PeerSaveInterval = TimeSpan.FromSeconds(30);

    private readonly SqlitePeerCache? _peers;
    private readonly CancellationTokenSource _stopSaving = new();
    private Task _saving = Task.CompletedTask;
    private bool _disposed;

    private StorageHost(DhtNode node, IItemStore store, SqlitePeerCache? peers, StorageNode storage, IReadOnlyList<Ipv4Endpoint> rememberedPeers)
    {
        Node = node;
        Store = store;
        Storage = storage;
        _peers = peers;
        RememberedPeers = rememberedPeers;
    }

    public DhtNode Node { get; }

    public IItemStore Store { get; }

    public StorageNode Storage { get; }

    /// <summary>Peers loaded from the data directory at start (empty without one).</summary>
    public IReadOnlyList<Ipv4Endpoint> RememberedPeers { get; }

    /// <summary>Opens the store (SQLite in <paramref name="dataDirectory"/>, else memory) and starts the node, serving storage as <paramref name="storageOptions"/> says.</summary>
    public static StorageHost Start(DhtNodeOptions options, string? dataDirectory, StorageOptions storageOptions, Action<DhtNode>? beforeStart = null)
    {
        var loggers = options.LoggerFactory;
        IItemStore store = dataDirectory is null
            ? new InMemoryItemStore()
            : new SqliteItemStore(dataDirectory, loggers?.CreateLogger<SqliteItemStore>());
        SqlitePeerCache? peers = null;
        try
        {
            peers = dataDirectory is null ? null : new SqlitePeerCache(dataDirectory, logger: loggers?.CreateLogger<SqlitePeerCache>());
            var remembered = peers?.Load() ?? [];

            // Asked for any port: take last run's again if there was one (any free port if it is taken now).
            var port = options.Port == 0 && dataDirectory is not null ? SavedPort.Load(dataDirectory) : options.Port;
            var node = new DhtNode(options with { Ephemeral = false, Nodes = [.. options.Nodes, .. remembered], Port = port });
            if (dataDirectory is not null)
            {
                node.Listening += () => SavedPort.Save(dataDirectory, node.ServerEndpoint!.Value.Port);
            }

            beforeStart?.Invoke(node);
            var storage = new StorageNode(node, store, storageOptions, loggers);
            var host = new StorageHost(node, store, peers, storage, remembered);
            if (peers is not null)
            {
                host._saving = host.SavePeriodicallyAsync(host._stopSaving.Token);
            }

            return host;
        }
        catch
        {
            peers?.Dispose();
            store.Dispose();
            throw;
        }
    }

    /// <summary>Writes the routing table's peers to the data directory (no-op without one); returns how many.</summary>
    public async Task<int> SavePeersAsync()
    {
        if (_peers is null || Node.Destroyed)
        {
            return 0;
        }

        var peers = await Node.GetNodesAsync(200).ConfigureAwait(false);
        if (peers.Count > 0)
        {
            // The peer cache takes no lock of its own: saves from the timer and from shutdown are serialised here.
            lock (_stopSaving)
            {
                _peers.Save(peers);
            }
        }

        return peers.Count;
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _stopSaving.CancelAsync().ConfigureAwait(false);
        await _saving.ConfigureAwait(false);
        if (Node.Bootstrapped)
        {
            await SavePeersAsync().ConfigureAwait(false);
        }

        await Storage.DisposeAsync().ConfigureAwait(false);
        await Node.DisposeAsync().ConfigureAwait(false);
        _peers?.Dispose();
        Store.Dispose();
        _stopSaving.Dispose();
    }

    private async Task SavePeriodicallyAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(PeerSaveInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                if (Node.Bootstrapped)
                {
                    await SavePeersAsync().ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down.
        }
        catch (StorageException e)
        {
            await Console.Error.WriteLineAsync($"Could not save known peers: {e.Message}").ConfigureAwait(false);
        }
    }
}
