using DhtRpc.Wire;
using DhtRpc.Storage.Client;
using DhtRpc.Storage.Stores;

namespace DhtRpc.Storage;

/// <summary>
/// Keeps content alive over churn: every interval, a holder pushes each record it holds to the current
/// closest nodes (skipping records another node pushed here during the interval), and keeps its own
/// copy only while it is still among the closest. Records nobody refreshes expire.
/// </summary>
internal sealed class Republisher : IAsyncDisposable
{
    /// <summary>Records pushed at once: each is a lookup plus k stores, so this keeps within the congestion window.</summary>
    private const int Parallel = 4;

    private readonly StorageNode _owner;
    private readonly DhtStorageClient _client;
    private readonly ITimer _timer;
    private int _running;

    public Republisher(StorageNode owner)
    {
        _owner = owner;
        _client = new DhtStorageClient(owner.Node);
        var interval = owner.Options.RepublishInterval;
        _timer = owner.Node.Options.TimeProvider.CreateTimer(static s => _ = ((Republisher)s!).RunSafelyAsync(), this, interval, interval);
    }

    public long Failures { get; private set; }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            return;
        }

        try
        {
            var now = _owner.Now;
            var keys = _owner.WithStore(store =>
            {
                store.RemoveExpired(now);
                return store.Keys(ItemSpace.Content);
            });
            for (var i = 0; i < keys.Count; i += Parallel)
            {
                var batch = keys.Skip(i).Take(Parallel).Select(key => RepublishOneAsync(key, cancellationToken));
                await Task.WhenAll(batch).ConfigureAwait(true);
            }
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _timer.DisposeAsync().ConfigureAwait(true);
    }

    private async Task RunSafelyAsync()
    {
        try
        {
            await RunAsync(CancellationToken.None).ConfigureAwait(true);
        }
        catch (ObjectDisposedException)
        {
            // The node shut down between two rounds: nothing left to republish.
            return;
        }
    }

    private async Task RepublishOneAsync(NodeId key, CancellationToken cancellationToken)
    {
        // Decided per record, just before pushing it: another holder may have refreshed it meanwhile.
        if (_owner.LastStoredByOthers(key) > _owner.Now - _owner.Options.RepublishInterval)
        {
            return;
        }

        var item = _owner.WithStore(store => store.Get(ItemSpace.Content, key));
        if (item is null)
        {
            return;
        }

        try
        {
            var (_, query) = await _client.PutBlockWithQueryAsync(key, item.Value, cancellationToken, _owner.Node.Id).ConfigureAwait(true);
            _owner.Stats.CountRepublished();
            if (DhtStorageClient.IsAmongClosest(_owner.Node.TableId, key, query.ClosestReplies, _owner.Node.Options.K))
            {
                var now = _owner.Now;
                _owner.WithStore(store =>
                {
                    store.Put(item with { ExpiresAt = now + _owner.Options.RecordTtl });
                    return 0;
                });
            }
        }
        catch (Exception e) when (e is DhtException or StorageRefusedException)
        {
            Failures++;
        }
    }
}
